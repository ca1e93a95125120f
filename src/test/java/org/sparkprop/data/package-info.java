/** Tests of the generated data sets and the packed blocks. */
package org.sparkprop.data;
