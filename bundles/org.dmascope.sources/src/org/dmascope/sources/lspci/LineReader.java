package org.dmascope.sources.lspci;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dmascope.core.source.InputException;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Reads lspci output line by line. Bytes are taken as ISO-8859-1, as lspci writes them (names
 * from pci.ids pass through as raw bytes), so no input fails to decode. A line ends at
 * {@code \n}; one {@code \r} before it is dropped. Progress is reported by bytes read, and a
 * cancelled monitor stops the read.
 */
final class LineReader implements Closeable {

    /** Longer lines are not lspci output (lspci itself refuses dump lines over 254 bytes). */
    static final int MAX_LINE = 4096;

    // How much of a file recognise() looks at.
    private static final int HEAD_BYTES = 64 * 1024;
    private static final int CANCEL_CHECK_LINES = 256;

    private final InputStream in;
    private final String name;
    private final SubMonitor progress;
    private final long size;
    private final StringBuilder line = new StringBuilder();
    private long position;
    private int number;
    private int reported;

    private LineReader(InputStream in, String name, SubMonitor progress, long size) {
        this.in = in;
        this.name = name;
        this.progress = progress;
        this.size = size;
    }

    /**
     * Opens a file.
     *
     * @param progress given 100 ticks, spent as the file is read
     * @throws InputException when the file does not exist or cannot be opened
     */
    static LineReader open(Path file, String name, SubMonitor progress) throws InputException {
        if (Files.isDirectory(file)) {
            throw new InputException(name, null, "is a directory, not a file of lspci output");
        }
        try {
            long size = Files.size(file);
            progress.setWorkRemaining(100);
            return new LineReader(new BufferedInputStream(Files.newInputStream(file)), name, progress, size);
        } catch (NoSuchFileException e) {
            throw new InputException(name, null, "no such file or directory", e);
        } catch (IOException e) {
            throw new InputException(name, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /** The number of the line last returned, from 1. */
    int number() {
        return number;
    }

    /**
     * The next line without its line end, or null at the end of the file.
     *
     * @throws InputException when a line is too long to be lspci output, or reading fails
     * @throws OperationCanceledException when the monitor was cancelled
     */
    @Nullable
    String next() throws InputException {
        if (number % CANCEL_CHECK_LINES == 0) {
            if (progress.isCanceled()) {
                throw new OperationCanceledException();
            }
            int done = size <= 0 ? 0 : (int) Math.min(100, position * 100 / size);
            if (done > reported) {
                progress.split(done - reported);
                reported = done;
            }
        }
        line.setLength(0);
        try {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            number++;
            while (b >= 0 && b != '\n') {
                position++;
                if (line.length() == MAX_LINE) {
                    throw new InputException(name, "line " + number, "longer than " + MAX_LINE
                            + " characters: not lspci output");
                }
                line.append((char) b);
                b = in.read();
            }
            if (b == '\n') {
                position++;
            }
        } catch (IOException e) {
            throw new InputException(name, "line " + (number + 1), "cannot read: " + e.getMessage(), e);
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // Only read from; nothing is lost.
        }
    }

    /**
     * The complete lines at the start of a file, for a cheap look at its content; empty when
     * it cannot be read. Never throws.
     */
    static List<String> head(Path file) {
        byte[] bytes;
        try (InputStream s = Files.newInputStream(file)) {
            bytes = s.readNBytes(HEAD_BYTES);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<String> lines = new ArrayList<>(text.lines().toList());
        // A full buffer ends inside a line: that line is not complete.
        if (bytes.length == HEAD_BYTES && !text.endsWith("\n") && !lines.isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }
}
