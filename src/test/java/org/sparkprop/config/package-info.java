/**
 * Tests of configuration loading, validation messages, key suggestions and the rendered
 * configuration.
 */
package org.sparkprop.config;
