package org.dmascope.sources.xml;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.dmascope.core.source.InputException;
import org.eclipse.jdt.annotation.Nullable;

/**
 * XML reading that refuses what topology files never need and attackers like: no DTD
 * processing, no external entities, no entity expansion (a reference to an entity is an
 * error, so "billion laughs" documents fail at once). Errors name the line and column.
 */
public final class SecureXml {

    private SecureXml() {
    }

    /** A StAX factory with DTDs and external entities switched off. */
    public static XMLInputFactory inputFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, Boolean.FALSE);
        return f;
    }

    /**
     * A reader of an XML stream, decoded as UTF-8 by a strict decoder: bytes that are not UTF-8
     * (a binary file, an archive) fail as a parse error instead of reaching the parser's own
     * decoder, which prints "[Fatal Error]" lines on standard error; {@link #malformed} names
     * their line and column.
     */
    public static XMLStreamReader open(InputStream in) throws XMLStreamException {
        return inputFactory().createXMLStreamReader(new LocatingUtf8Reader(in));
    }

    /** "line 12:column 7" for where the reader is. */
    public static String place(XMLStreamReader reader) {
        return place(reader.getLocation());
    }

    /** "line 12:column 7" for a location. */
    public static String place(@Nullable Location location) {
        if (location == null || location.getLineNumber() < 0) {
            return "start of file";
        }
        return "line " + location.getLineNumber() + ":column " + location.getColumnNumber();
    }

    /** The input error for a parse error, with its line and column and without the parser's own location prefix. */
    public static InputException malformed(String input, XMLStreamException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof LocatingUtf8Reader.NotUtf8Exception bad) {
                return new InputException(input, "line " + bad.line() + ":column " + bad.column(),
                        "not UTF-8 text: " + bad.getMessage(), e);
            }
        }
        String message = e.getMessage() == null ? "malformed XML" : e.getMessage();
        // The JDK parser prefixes "ParseError at [row,col]:[12,7]\nMessage: "; keep the message.
        int at = message.indexOf("Message: ");
        if (at >= 0) {
            message = message.substring(at + "Message: ".length());
        }
        return new InputException(input, place(e.getLocation()), "malformed XML: " + message.strip(), e);
    }

    /** A document's root element: its name and attributes, as its start tag gives them. */
    public record Root(String name, Map<String, String> attributes) {

        /** Copies the attributes. */
        public Root {
            attributes = Map.copyOf(attributes);
        }

        /** An attribute's value, or null when the start tag has none of that name. */
        public @Nullable String attribute(String attribute) {
            return attributes.get(attribute);
        }
    }

    // The parser keeps the reader's error as its nested exception, not always as the cause.
    private static @Nullable Throwable next(Throwable t) {
        if (t instanceof XMLStreamException x && x.getNestedException() != null && x.getNestedException() != t) {
            return x.getNestedException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    /**
     * The document's root element, for recognising a file by its content; empty when the file
     * is not XML, cannot be read, or is malformed before the end of the root's start tag.
     * Reads no further than that start tag, so that a file whose root says what it is can be
     * claimed, and its later errors reported with their line and column when it is read.
     * Bytes that are not UTF-8 are replaced here: reading the file reports them.
     */
    public static Optional<Root> root(Path file) {
        if (!looksLikeXml(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            Reader text = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
            XMLStreamReader r = inputFactory().createXMLStreamReader(text);
            try {
                while (r.hasNext()) {
                    if (r.next() == XMLStreamConstants.START_ELEMENT) {
                        Map<String, String> attributes = new HashMap<>();
                        for (int i = 0; i < r.getAttributeCount(); i++) {
                            attributes.putIfAbsent(r.getAttributeLocalName(i), r.getAttributeValue(i));
                        }
                        return Optional.of(new Root(r.getLocalName(), attributes));
                    }
                }
            } finally {
                r.close();
            }
        } catch (IOException | XMLStreamException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    // Text starting with '<' after an optional UTF-8 byte order mark and blanks.
    private static boolean looksLikeXml(Path file) {
        byte[] head = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return false;
        }
        int i = n >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf ? 3 : 0;
        while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
            i++;
        }
        return i < n && head[i] == '<';
    }
}
