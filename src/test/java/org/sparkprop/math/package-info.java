/**
 * Tests of the GEMM paths against a double-precision reference, their thread safety, kernel
 * selection and the counter-based RNG.
 */
package org.sparkprop.math;
