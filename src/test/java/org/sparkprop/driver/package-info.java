/** Tests of training without Spark: the in-process input pipeline against Spark's, and when it is chosen. */
package org.sparkprop.driver;
