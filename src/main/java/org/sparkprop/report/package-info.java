/** What a run shows while it goes and leaves behind: console progress, batch-size advice, metrics.jsonl. */
package org.sparkprop.report;
