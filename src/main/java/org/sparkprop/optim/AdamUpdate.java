package org.sparkprop.optim;

/**
 * The Adam moment update and parameter step, shared by {@link AdamOptimizer} and {@link
 * AdamWOptimizer} so that both apply exactly the same arithmetic.
 *
 * <p>m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g^2;
 * theta -= lr * mhat / (sqrt(vhat) + eps) with mhat = m / (1 - b1^t), vhat = v / (1 - b2^t).
 * Arranged as PyTorch computes it, theta -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps), so the
 * bias corrections are two scalars per step (in double, because b2^t is close to 1 for small t and
 * 1 - b2^t would lose most of its digits in float) instead of two divisions per element.
 */
final class AdamUpdate {

  private final double beta1;
  private final double beta2;
  private final float beta1f;
  private final float beta2f;
  private final float oneMinusBeta1;
  private final float oneMinusBeta2;
  private final float epsilon;
  private final float[] firstMoment;
  private final float[] secondMoment;

  AdamUpdate(AdamHyperParameters hyper, float[] firstMoment, float[] secondMoment) {
    this.beta1 = hyper.beta1();
    this.beta2 = hyper.beta2();
    this.beta1f = (float) hyper.beta1();
    this.beta2f = (float) hyper.beta2();
    this.oneMinusBeta1 = (float) (1.0 - hyper.beta1());
    this.oneMinusBeta2 = (float) (1.0 - hyper.beta2());
    this.epsilon = (float) hyper.epsilon();
    this.firstMoment = firstMoment;
    this.secondMoment = secondMoment;
  }

  /** @param step the 1-based step number t of the bias corrections */
  void apply(float[] params, float[] gradient, float learningRate, long step) {
    double biasCorrection1 = 1.0 - Math.pow(beta1, step);
    double biasCorrection2 = 1.0 - Math.pow(beta2, step);
    float stepSize = (float) (learningRate / biasCorrection1);
    float secondMomentScale = (float) Math.sqrt(biasCorrection2);
    for (int i = 0; i < params.length; i++) {
      float g = gradient[i];
      firstMoment[i] = beta1f * firstMoment[i] + oneMinusBeta1 * g;
      secondMoment[i] = beta2f * secondMoment[i] + oneMinusBeta2 * g * g;
      float denominator = (float) Math.sqrt(secondMoment[i]) / secondMomentScale + epsilon;
      params[i] -= stepSize * firstMoment[i] / denominator;
    }
  }
}
