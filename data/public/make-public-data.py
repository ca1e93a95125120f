"""Writes the small public data sets the tests and the bench command use, from the copies that
scikit-learn ships (no download): iris (public domain), diabetes and digits (BSD-3-Clause, as
scikit-learn). Run it with scikit-learn installed to regenerate the committed files bit for bit:

    python3 data/public/make-public-data.py

iris.libsvm      150 rows, 4 features each mapped onto [-1, 1] as in Spark's documented MLP example,
                 labels 0, 1, 2.
diabetes-*.csv   442 rows split 331 / 111 (train_test_split, test_size 0.25, random_state 0);
                 10 features as scikit-learn ships them (centred, scaled), target a disease
                 progression score between 25 and 346.
digits-*.csv     1,797 8x8 images split 1,347 / 450 the same way; 64 pixel features (0-16), labels
                 0-9.
"""
import os

from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))


def number(v):
    return "%.6g" % v


def write_csv(path, names, label, x, y):
    with open(path, "w", newline="\n") as f:
        f.write(",".join(names + [label]) + "\n")
        for row, target in zip(x, y):
            f.write(",".join(number(v) for v in row) + "," + number(target) + "\n")


def iris():
    data = load_iris()
    x, y = data.data, data.target
    lo, hi = x.min(axis=0), x.max(axis=0)
    scaled = 2 * (x - lo) / (hi - lo) - 1
    with open(os.path.join(HERE, "iris.libsvm"), "w", newline="\n") as f:
        for row, label in zip(scaled, y):
            f.write(str(int(label)) + " " + " ".join("%d:%s" % (i + 1, number(v)) for i, v in enumerate(row)) + "\n")


def split_csv(name, names, label, x, y):
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, random_state=0)
    write_csv(os.path.join(HERE, name + "-train.csv"), names, label, xtr, ytr)
    write_csv(os.path.join(HERE, name + "-test.csv"), names, label, xte, yte)


if __name__ == "__main__":
    iris()
    d = load_diabetes()
    split_csv("diabetes", list(d.feature_names), "target", d.data, d.target)
    g = load_digits()
    split_csv("digits", ["p%d" % i for i in range(64)], "label", g.data, g.target)
