/**
 * Tests of the progress displays and the report folder (files, decoded images, the page in a
 * headless browser).
 */
package org.sparkprop.report;
