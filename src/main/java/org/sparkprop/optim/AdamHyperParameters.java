package org.sparkprop.optim;

/** The validated hyper-parameters Adam and AdamW share. */
record AdamHyperParameters(double beta1, double beta2, double epsilon) {
}
