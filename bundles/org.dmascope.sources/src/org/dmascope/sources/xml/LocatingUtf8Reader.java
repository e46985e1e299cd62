package org.dmascope.sources.xml;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decodes UTF-8 strictly and keeps the line and column of the text handed out, so that bytes
 * that are not UTF-8 are reported where they are: the XML parser above sees only an I/O error
 * without a location. Lines end at LF, CR LF or CR, as XML counts them.
 */
final class LocatingUtf8Reader extends Reader {

    /**
     * Bytes that are not UTF-8, at a line and column of the text. Not a CharConversionException:
     * the JDK's parser reports those itself, printing "[Fatal Error]" on standard error.
     */
    static final class NotUtf8Exception extends IOException {

        private static final long serialVersionUID = 1L;

        private final int line;
        private final int column;

        NotUtf8Exception(int line, int column, String problem) {
            super(problem);
            this.line = line;
            this.column = column;
        }

        int line() {
            return line;
        }

        int column() {
            return column;
        }
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(8192).flip();
    private boolean eof;
    private boolean flushed;
    private int line = 1;
    private int column = 1;
    private boolean afterCr;

    LocatingUtf8Reader(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (flushed) {
            return -1;
        }
        CharBuffer chars = CharBuffer.wrap(buffer, offset, length);
        while (true) {
            CoderResult result = decoder.decode(bytes, chars, eof);
            if (result.isOverflow()) {
                break;
            }
            if (result.isError()) {
                if (chars.position() > offset) {
                    break; // hand out the good text first; the bad bytes stay for the next call
                }
                throw notUtf8(result.length());
            }
            // Underflow: all bytes in the buffer are decoded.
            if (chars.position() > offset) {
                break;
            }
            if (eof) {
                CoderResult end = decoder.flush(chars);
                if (end.isOverflow()) {
                    break;
                }
                flushed = true;
                return chars.position() > offset ? count(buffer, offset, chars.position() - offset) : -1;
            }
            fill();
        }
        return count(buffer, offset, chars.position() - offset);
    }

    private void fill() throws IOException {
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            eof = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    private NotUtf8Exception notUtf8(int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < length && bytes.position() + i < bytes.limit(); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "0x%02x", bytes.get(bytes.position() + i)));
        }
        String what;
        if (hex.length() == 0) {
            what = "the file ends inside a UTF-8 character";
        } else {
            what = (length > 1 ? "bytes " + hex + " are" : "byte " + hex + " is") + " not UTF-8";
        }
        return new NotUtf8Exception(line, column, what);
    }

    // Moves the line and column past the text handed out.
    private int count(char[] buffer, int offset, int n) {
        for (int i = offset; i < offset + n; i++) {
            char c = buffer[i];
            if (c == '\n') {
                if (!afterCr) {
                    line++;
                }
                column = 1;
            } else if (c == '\r') {
                line++;
                column = 1;
            } else if (!Character.isLowSurrogate(c)) {
                column++;
            }
            afterCr = c == '\r';
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
