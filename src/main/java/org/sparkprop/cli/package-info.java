/** The command line ({@code train}, ...), built with picocli; thin: the work lives in {@code spark}. */
package org.sparkprop.cli;
