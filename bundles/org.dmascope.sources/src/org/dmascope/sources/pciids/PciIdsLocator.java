package org.dmascope.sources.pciids;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import org.dmascope.core.pciids.PciIds;
import org.dmascope.core.source.InputException;

/**
 * Finds and reads the PCI ID database where Linux distributions install it: Debian's pci.ids
 * package ({@code /usr/share/misc/pci.ids}), hwdata on Fedora and Arch
 * ({@code /usr/share/hwdata/pci.ids}), and compressed variants.
 */
public final class PciIdsLocator {

    /** The places searched, in order. */
    public static final List<Path> STANDARD_LOCATIONS = List.of(Path.of("/usr/share/misc/pci.ids"),
            Path.of("/usr/share/hwdata/pci.ids"), Path.of("/usr/share/pci.ids"), Path.of("/usr/share/misc/pci.ids.gz"),
            Path.of("/usr/share/hwdata/pci.ids.gz"), Path.of("/usr/share/pci.ids.gz"));

    private PciIdsLocator() {
    }

    /** The first standard location that exists. */
    public static Optional<Path> find() {
        return STANDARD_LOCATIONS.stream().filter(Files::isRegularFile).findFirst();
    }

    /**
     * Reads the database from an explicit file (plain or gzip-compressed, by content).
     *
     * @throws InputException naming the file when it cannot be read
     */
    public static PciIds read(Path file) throws InputException {
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = raw.markSupported() ? raw : new java.io.BufferedInputStream(raw);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            InputStream body = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in) : in;
            try (Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8)) {
                return PciIds.parse(reader, file.toString());
            }
        } catch (IOException e) {
            throw new InputException(file.toString(), null, "cannot read the PCI ID database: " + e.getMessage(), e);
        }
    }

    /**
     * The database from an explicit file if one is given, else from the first standard location,
     * else an empty database (numbers instead of names, as lspci does without pci.ids).
     */
    public static PciIds load(Optional<Path> explicit) throws InputException {
        if (explicit.isPresent()) {
            return read(explicit.get());
        }
        Optional<Path> found = find();
        return found.isPresent() ? read(found.get()) : PciIds.empty();
    }
}
