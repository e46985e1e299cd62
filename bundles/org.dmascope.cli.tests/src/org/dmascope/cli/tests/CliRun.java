package org.dmascope.cli.tests;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.dmascope.cli.DmaScopeCli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** One run of the command line in this JVM, with what it printed; and helpers to read its output. */
record CliRun(int status, String out, String err) {

    private static final Pattern NAME_AFTER_SLOT = Pattern.compile("([0-9a-f]{2}\\.[0-7])  .*$");

    /** Runs {@code dmascope ARGS...} with the built-in importers. */
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = new DmaScopeCli(new PrintWriter(out), new PrintWriter(err)).run(args);
        return new CliRun(status, out.toString(), err.toString());
    }

    /** Standard output as one JSON object. */
    JsonObject json() {
        return JsonParser.parseString(out).getAsJsonObject();
    }

    /** The {@code devices} of a {@code topo --json} document by BDF, in document order. */
    static Map<String, JsonObject> devices(JsonObject doc) {
        Map<String, JsonObject> byBdf = new LinkedHashMap<>();
        for (JsonElement e : doc.getAsJsonArray("devices")) {
            byBdf.put(e.getAsJsonObject().get("bdf").getAsString(), e.getAsJsonObject());
        }
        return byBdf;
    }

    /** A lspci -tv tree without the device names: what does not depend on the pci.ids version. */
    static String withoutNames(String tree) {
        return tree.lines().map(l -> NAME_AFTER_SLOT.matcher(l).replaceFirst("$1"))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** Whether this machine's pci.ids is the one the lspci oracle files in testdata/ were made with. */
    static boolean oraclePciIds() throws IOException {
        Path ids = Path.of("/usr/share/misc/pci.ids");
        if (!Files.isRegularFile(ids)) {
            return false;
        }
        try (var lines = Files.lines(ids)) {
            return lines.filter(l -> l.startsWith("#\tVersion:")).findFirst()
                    .map(l -> l.substring("#\tVersion:".length()).trim()).orElse("").equals("2023.04.10");
        }
    }
}
