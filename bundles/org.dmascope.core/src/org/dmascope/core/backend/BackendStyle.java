package org.dmascope.core.backend;

import java.util.Map;

/**
 * How views draw a backend's memory without backend code: a colour, a short label, a legend
 * line, and names for the backend's own page state bits.
 *
 * @param rgb        the colour, 0xRRGGBB
 * @param label      a short label ("page", "HMM", "GPU")
 * @param legend     one line for the legend
 * @param stateNames names of the backend's page state bits ({@code PageFlags.BACKEND_FIRST} and up)
 */
public record BackendStyle(int rgb, String label, String legend, Map<Integer, String> stateNames) {

    /** Copies the names. */
    public BackendStyle {
        stateNames = Map.copyOf(stateNames);
    }
}
