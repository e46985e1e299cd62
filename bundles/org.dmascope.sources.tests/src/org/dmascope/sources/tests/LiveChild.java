package org.dmascope.sources.tests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The process the live sampler tests sample, run in a JVM of its own (java.base only; needs
 * {@code --add-opens java.base/java.nio=ALL-UNNAMED}). Maps PAGES pages of FILE shared and
 * untouched and prints "mapped ADDRESS BYTES" (hex address), then obeys one command a line:
 * "touch" writes a byte to every page and prints "touched"; "unmap" unmaps the file at once
 * (munmap through the buffer's cleaner) and prints "unmapped"; "exit N" exits with status N.
 * The end of its input exits with 0.
 */
public final class LiveChild {

    private LiveChild() {
    }

    /** Maps, then obeys. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int pages = Integer.parseInt(args[1]);
        long bytes = pages * 4096L;
        MappedByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
        }
        Field address = Buffer.class.getDeclaredField("address");
        address.setAccessible(true);
        System.out.println("mapped " + Long.toHexString(address.getLong(mapped)) + " " + bytes);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("touch")) {
                for (int i = 0; i < pages; i++) {
                    mapped.put(i * 4096, (byte) i);
                }
                System.out.println("touched");
            } else if (line.equals("unmap")) {
                unmap(mapped);
                mapped = null;
                System.out.println("unmapped");
            } else if (line.startsWith("exit ")) {
                System.out.flush();
                System.exit(Integer.parseInt(line.substring(5).trim()));
            }
            System.out.flush();
        }
    }

    // sun.misc.Unsafe.invokeCleaner unmaps a mapped buffer now (FileChannelImpl's Unmapper: munmap).
    private static void unmap(ByteBuffer buffer) throws IOException, ReflectiveOperationException {
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        Method invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
        invokeCleaner.invoke(theUnsafe.get(null), buffer);
    }
}
