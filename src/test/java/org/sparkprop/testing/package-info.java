/** Test fixtures shared across packages: a real HDFS ({@link org.sparkprop.testing.MiniHdfs}). */
package org.sparkprop.testing;
