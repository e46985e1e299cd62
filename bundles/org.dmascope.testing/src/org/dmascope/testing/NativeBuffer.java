package org.dmascope.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Memory outside the Java heap whose address is known, every page touched: what the live tests
 * resolve in their own process. Allocated with {@code sun.misc.Unsafe} (visible to bundles
 * through Equinox's boot delegation of {@code sun.*}), usually an anonymous mapping of its own.
 */
public final class NativeBuffer implements AutoCloseable {

    private final Object unsafe;
    private final long address;
    private final long size;

    private NativeBuffer(Object unsafe, long address, long size) {
        this.unsafe = unsafe;
        this.address = address;
        this.size = size;
    }

    /**
     * Allocates {@code size} bytes and writes one byte into every page they touch, the last byte
     * included (the buffer does not start on a page).
     *
     * @throws IllegalStateException when the JDK does not offer sun.misc.Unsafe
     */
    public static NativeBuffer touched(long size) {
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            long address = (long) c.getMethod("allocateMemory", long.class).invoke(unsafe, size);
            Method put = c.getMethod("putByte", long.class, byte.class);
            for (long at = 0; at < size; at += 4096) {
                put.invoke(unsafe, address + at, (byte) 1);
            }
            put.invoke(unsafe, address + size - 1, (byte) 1);
            return new NativeBuffer(unsafe, address, size);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no sun.misc.Unsafe to allocate a native buffer", e);
        }
    }

    /** The first byte's address. */
    public long address() {
        return address;
    }

    /** The size in bytes. */
    public long size() {
        return size;
    }

    /** Frees the memory. */
    @Override
    public void close() {
        try {
            unsafe.getClass().getMethod("freeMemory", long.class).invoke(unsafe, address);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
