package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** {@code dmascope doctor}: its JSON contract, exit statuses and the ACS redirect check between pairs. */
class DoctorCommandTest {

    @TempDir
    Path tmp;

    @Test
    void jsonHasExactlyTheContractsKeys() {
        CliRun run = CliRun.of("doctor", "--json", TestData.path("lspci-dumps/cap-aer-root").toString());
        assertEquals(0, run.status(), run.err());
        JsonArray findings = run.json().getAsJsonArray("findings");
        assertTrue(findings.size() >= 10);
        assertEquals(Set.of("findings"), run.json().keySet());
        for (JsonElement e : findings) {
            JsonObject f = e.getAsJsonObject();
            assertEquals(Set.of("check", "verdict", "devices", "evidence", "fix"), f.keySet());
            assertTrue(List.of("ok", "warn", "fail").contains(f.get("verdict").getAsString()));
        }
    }

    @Test
    void acsRedirectBetweenPairsOfTheSyntheticMachineFailsWithTheKernelsParameter() {
        // bench's SYNTHETIC machine: ACS Request and Completion Redirect on every downstream port.
        Path snapshot = tmp.resolve("synth.tar.gz");
        assertEquals(0, CliRun.of("bench", "paths", "--endpoints", "8", "--repeat", "1", "--keep", snapshot.toString()).status());
        CliRun run = CliRun.of("doctor", snapshot.toString(), "--json");
        JsonObject acs = null;
        for (JsonElement e : run.json().getAsJsonArray("findings")) {
            JsonObject f = e.getAsJsonObject();
            if (f.get("check").getAsString().equals("acs-redirect") && f.get("fix").getAsString().contains("disable_acs_redir")) {
                acs = f;
                break;
            }
        }
        assertTrue(acs != null, run.out());
        String fix = acs.get("fix").getAsString();
        // Two downstream ports of the first switch, provider side then client side, as the kernel lists them.
        assertTrue(fix.startsWith("Boot with the parameter the kernel suggests, pci=disable_acs_redir=0000:02:00.0;0000:02:01.0 "), fix);
        assertTrue(fix.contains("setpci -s 0000:02:00.0 ECAP_ACS+0x6.w=0000:002c; setpci -s 0000:02:01.0 ECAP_ACS+0x6.w=0000:002c"), fix);
        assertTrue(acs.get("evidence").getAsJsonArray().get(0).getAsString().contains("ReqRedir+ CmpltRedir+"), acs.toString());
        assertEquals(acs.get("verdict").getAsString().equals("fail") ? 1 : run.status(), run.status());
    }

    @Test
    void textNamesVerdictDevicesEvidenceAndFix() {
        CliRun run = CliRun.of("doctor", TestData.path("lspci-dumps/cap-aer-root").toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("[warn] acs-redirect: ACS redirect is set on the bridges above 0000:03:00.0"), run.out());
        assertTrue(run.out().contains("  devices:  0000:03:00.0 0000:00:02.0\n"), run.out());
        assertTrue(run.out().contains("  fix:      pci=disable_acs_redir=0000:00:02.0 "), run.out());
        assertTrue(run.out().lines().reduce((a, b) -> b).orElse("").matches("\\d+ findings: \\d+ ok, \\d+ warn, 0 fail"));
    }

    @Test
    void badInputIsExitStatus2WithTheInputNamed() {
        CliRun missing = CliRun.of("doctor", "/nonexistent/collect.tar.gz");
        assertEquals(2, missing.status());
        assertEquals("dmascope: /nonexistent/collect.tar.gz: no such file or directory\n", missing.err());
        CliRun size = CliRun.of("doctor", "--mr-size", "lots", TestData.path("lspci-dumps/cap-aer-root").toString());
        assertEquals(2, size.status());
        assertTrue(size.err().startsWith("dmascope: --mr-size: "), size.err());
    }
}
