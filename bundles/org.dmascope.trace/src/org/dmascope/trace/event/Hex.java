package org.dmascope.trace.event;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code long} or {@code long[]} event field that holds an address (virtual, physical,
 * DMA or IOVA): an unsigned 64-bit value that text formats write as {@code "0x..."} hex.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Hex {
}
