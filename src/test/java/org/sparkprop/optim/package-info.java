/**
 * Tests of the optimizers (golden values after one and two steps), schedules, clipping and
 * optimizer state.
 */
package org.sparkprop.optim;
