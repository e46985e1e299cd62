package org.dmascope.sources.tests;

import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The process {@link LiveProcTest} reads, run in a JVM of its own (java.base only, so it runs
 * from its class file alone; needs {@code --add-opens java.base/java.nio=ALL-UNNAMED}).
 *
 * <p>Arguments: the size of a direct buffer to allocate and touch page by page, a file to map,
 * and the size to map it with, untouched. Prints "buffer ADDRESS SIZE" and "mapped ADDRESS SIZE"
 * (hex addresses) and waits until its standard input ends.
 */
public final class ProcChild {

    private ProcChild() {
    }

    /** Allocates, touches, maps, prints, waits. */
    public static void main(String[] args) throws IOException, ReflectiveOperationException {
        int size = Integer.parseInt(args[0]);
        ByteBuffer buffer = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i += 4096) {
            buffer.put(i, (byte) 1);
        }
        buffer.put(size - 1, (byte) 1); // the buffer need not start on a page: touch its last page too
        long mapSize = Long.parseLong(args[2]);
        MappedByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, mapSize);
        }
        Field address = Buffer.class.getDeclaredField("address");
        address.setAccessible(true);
        System.out.println("buffer " + Long.toHexString(address.getLong(buffer)) + " " + size);
        System.out.println("mapped " + Long.toHexString(address.getLong(mapped)) + " " + mapSize);
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the end of input (or to be killed)
        }
        Reference.reachabilityFence(buffer);
        Reference.reachabilityFence(mapped);
    }
}
