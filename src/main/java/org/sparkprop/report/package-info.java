/**
 * What a run shows while it goes and leaves behind: the console progress (a bar on a terminal,
 * plain lines elsewhere), batch-size advice, {@code metrics.jsonl}, and the report folder (charts
 * drawn with XChart, Playground-style decision-boundary pictures, {@code index.html}). No Spark
 * types: the Spark layer hands in samples of rows and a place to write files.
 */
package org.sparkprop.report;
