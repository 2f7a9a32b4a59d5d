package dev.caravan;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.caravan.support.RequiredTools;
import dev.caravan.support.ScratchRedis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's proof: bench/replicas.sh with short loads, three replicas behind nginx on a shared MariaDB and Redis,
 * against the stub (dev.caravan.bench.ReplicasProof says what it does). Asserts what the clients got and what the stub
 * received: a session and a settings save travel between replicas; once a replica saw key A refused for the day, no
 * replica calls key A again; a replica killed mid-load costs no request-log row of any 200 a survivor answered, and
 * the survivors keep serving.
 */
class ThreeReplicasShareOnePoolTest {

    @Test
    void threeReplicasBehindNginxShareKeysSettingsSessionsAndTheLog() throws Exception {
        RequiredTools.require("three replicas behind nginx", Path.of("/usr/sbin/nginx"));
        String redis = ScratchRedis.require("replicas share Redis").url();
        ProcessBuilder pb = new ProcessBuilder("bash", "bench/replicas.sh").redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("REPLICAS_CLASSPATH", System.getProperty("java.class.path"));
        env.put("REPLICAS_SECONDS", "2");
        env.put("REPLICAS_CLIENTS", "8");
        env.put("REPLICAS_REDIS_URL", redis);
        File log = File.createTempFile("replicas-", ".log");
        Process p = pb.redirectOutput(log).start();
        boolean finished = p.waitFor(150, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = java.nio.file.Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertThat(finished).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        Map<String, String> r = new HashMap<>();
        output.lines().filter(l -> l.startsWith("RESULT ")).forEach(l -> {
            int eq = l.indexOf('=');
            r.put(l.substring(7, eq), l.substring(eq + 1));
        });

        // an admin session opened on replica 1 is good on replica 2; a save on 1 is in force on 2 and 3
        assertThat(r.get("session_from_replica1_on_replica2_status")).as(output).isEqualTo("200");
        assertThat(r.get("settings_save_status")).as(output).isEqualTo("200");
        assertThat(Long.parseLong(r.get("settings_in_force_on_all_ms"))).as(output).isLessThan(5_000);
        // key A was refused for the day once; a second later no replica sends it again, and every request is served
        assertThat(Long.parseLong(r.get("daily_429_key_a_calls_before"))).as(output).isEqualTo(1);
        assertThat(r.get("daily_429_key_a_calls_after_1s")).as(output).isEqualTo("0");
        assertThat(r.get("daily_429_answered_200_after")).as(output).isEqualTo(r.get("daily_429_requests_after"));
        // both loads served
        assertThat(Long.parseLong(r.get("throughput_three_replicas_rps"))).as(output).isPositive();
        assertThat(Long.parseLong(r.get("throughput_one_replica_rps"))).as(output).isPositive();
        // the kill: the survivors kept serving, and every 200 they answered has its row
        assertThat(Long.parseLong(r.get("kill_ok_by_survivors_after_kill"))).as(output).isPositive();
        assertThat(r.get("kill_rows_missing_beyond_killed_replica")).as(output).isEqualTo("0");
        log.delete();
    }
}
