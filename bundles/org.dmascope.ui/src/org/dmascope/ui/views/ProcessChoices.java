package org.dmascope.ui.views;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.dmascope.sources.proc.ProcMemory;

/**
 * The processes of this machine as the process boxes offer them ("PID comm", by PID), and the
 * PID a box's text names.
 */
final class ProcessChoices {

    private ProcessChoices() {
    }

    /**
     * Every process in /proc, "PID comm", by PID; a process that exits while listed is left out.
     *
     * @throws IOException when /proc cannot be listed
     */
    static List<String> list() throws IOException {
        List<String> items = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(ProcMemory.PROC, "[0-9]*")) {
            for (Path d : dirs) {
                try {
                    String comm = Files.readString(d.resolve("comm"), StandardCharsets.UTF_8).strip();
                    items.add(d.getFileName() + " " + comm);
                } catch (IOException e) {
                    // The process exited while listing: leave it out.
                }
            }
        }
        items.sort(Comparator.comparingInt(ProcessChoices::pidOf));
        return items;
    }

    /** The PID at the start of a box's text ("1234" or "1234 comm"), or -1. */
    static int pidOf(String item) {
        String t = item.strip();
        int space = t.indexOf(' ');
        try {
            return Integer.parseInt(space < 0 ? t : t.substring(0, space));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
