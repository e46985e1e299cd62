package org.dmascope.fuzz;

/** How long each fuzz target runs in fuzzing mode: the Maven property fuzz.duration, set at build time. */
final class FuzzDuration {

    static final String VALUE = "${fuzz.duration}";

    private FuzzDuration() {
    }
}
