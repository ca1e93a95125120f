/** Tests of the command line and, after {@code package}, of the launch scripts ({@code ScriptsIT}). */
package org.sparkprop.cli;
