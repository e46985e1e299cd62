package org.dmascope.diagnose.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.dmascope.core.source.InputException;

/** Reading a log file (kernel or NCCL) whole, with the messages every log reader gives. */
public final class LogFiles {

    private LogFiles() {
    }

    /**
     * The file's text, as UTF-8.
     *
     * @param name the file as the user named it, for messages
     * @throws InputException when it is missing, not readable, or cannot be read
     */
    public static String read(Path file, String name) throws InputException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InputException(name, null, "no such file or directory", e);
        } catch (AccessDeniedException e) {
            throw new InputException(name, null, "permission denied", e);
        } catch (IOException e) {
            throw new InputException(name, null, "cannot read: " + e.getMessage(), e);
        }
    }
}
