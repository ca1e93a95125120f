/** Small programs that show how to use Sparkprop as a library; each runs on its own with a local Spark. */
package org.sparkprop.examples;
