/**
 * Tests of the training loop, the global batches and the accumulators, and learning tests of the
 * local trainer.
 */
package org.sparkprop.train;
