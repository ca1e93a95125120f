/**
 * Tests of the input readers: every format read back exactly, and the bad-input corpus with its
 * messages.
 */
package org.sparkprop.spark.input;
