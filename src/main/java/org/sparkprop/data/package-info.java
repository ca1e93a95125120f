/**
 * Data sources, generators and packed float32 blocks; no Spark types.
 *
 * <p>Generated data sets are index-addressable: row i is a pure function of the generator's
 * parameters (seed included) and i, so each Spark partition builds its own rows and the result
 * does not depend on how the index range is split.
 */
package org.sparkprop.data;
