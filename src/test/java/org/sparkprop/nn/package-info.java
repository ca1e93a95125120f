/**
 * Finite-difference gradient checks of every activation and loss, a scalar reference network, loss
 * stability and network specs.
 */
package org.sparkprop.nn;
