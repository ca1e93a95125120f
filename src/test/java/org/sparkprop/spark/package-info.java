/**
 * Spark local-mode tests of the distributed engine: distributed equals local, bit-identical runs
 * across thread counts and task retries, resumption, Kryo registration.
 */
package org.sparkprop.spark;
