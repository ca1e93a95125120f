/**
 * Tests of the model and checkpoint formats, including corrupted-file corpora and a frozen
 * version-1 model.
 */
package org.sparkprop.io;
