package org.dmascope.core.chain;

/**
 * One step of the address chain: what went in, what came out, and the one rule that decided
 * it (why two pages merged, why a segment split, why the mapping was refused).
 *
 * @param step   the step's name ("range", "memlock", "vma", "pin", "sg", "dma-map", "page-size")
 * @param input  what the step was given, in words
 * @param output what it produced, in words
 * @param why    the kernel rule that applied, naming the function
 */
public record ChainStep(String step, String input, String output, String why) {
}
