package dev.caravan.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The storm's figures, from what the clients got ({@link StormLoad}), what only Google could see ({@link StormStub})
 * and what the gateway says of its keys ({@link GatewayKeys}), and the results file that shows them against the
 * issue's targets. Built once after the run; immutable after that.
 */
public final class StormReport {

    /** A figure with its target and whether the run met it. */
    public record Figure(String name, String target, String measured, boolean met) {
    }

    final StormSettings settings;
    final List<StormLoad.Result> results;
    final long served;
    final long allowed;
    final long upperBound;
    final Map<Integer, Long> statuses = new TreeMap<>();
    final Map<String, String> firstMessages = new TreeMap<>();
    final Map<String, Long> kinds = new TreeMap<>();
    final List<Double> refusedWaits = new ArrayList<>();
    final long refusedWithRetryAfter;
    final List<Long> minuteResets;
    final List<Long> dayResets;
    final long stubCalls;
    final long stubServed;
    final long stubRefused;
    final long refusedPerMinute;
    final long refusedPerDay;
    final long refusedTokens;
    final long callsToCoolingKey;
    final long callsToCoolingProject;
    final long callsToDayRefusedKey;
    final long callsRacingRefusal;
    final long knownAfterMillis;
    final List<Long> coolingGaps;
    final List<Long> coolingTimes;
    final long unknownKey;
    final long maxOut;
    final long maxDisabledPerMinute;
    final Set<String> disabledPerMinuteKeys = new HashSet<>();
    final GatewayKeys.Snapshot last;
    final String grouping;
    final long[] servedByClient;
    final long[] servedByModel;
    final long[] allowedByModel;

    public StormReport(StormSettings settings, List<StormLoad.Result> results, StormStub stub,
                       List<GatewayKeys.Snapshot> snapshots) {
        this.settings = settings;
        this.results = results;
        servedByClient = new long[settings.clients()];
        servedByModel = new long[settings.models().size()];
        long ok = 0;
        long withRetryAfter = 0;
        for (StormLoad.Result r : results) {
            statuses.merge(r.status(), 1L, Long::sum);
            if (r.status() == 200) {
                ok++;
                servedByClient[r.client()]++;
                servedByModel[r.model()]++;
            } else {
                String kind = r.status() + ": " + (r.message() == null ? "" : r.message()
                        .replaceAll("\\d+(\\.\\d+)?", "N")) + (r.retryAfter() == null ? "" : " +Retry-After");
                firstMessages.putIfAbsent(kind, r.message());
                kinds.merge(kind, 1L, Long::sum);
            }
            if (r.status() == 429) {
                refusedWaits.add(r.waitMillis());
                if (r.retryAfter() != null) {
                    withRetryAfter++;
                }
            }
        }
        refusedWaits.sort(null);
        served = ok;
        refusedWithRetryAfter = withRetryAfter;
        allowedByModel = ideal(settings, results);
        long a = 0;
        for (long v : allowedByModel) {
            a += v;
        }
        allowed = a;
        upperBound = upperBound(settings);
        minuteResets = stub.minuteResetDelays(settings.runMillis());
        dayResets = stub.dayResetDelays(settings.runMillis());
        stubCalls = stub.calls.get();
        stubServed = stub.served.get();
        stubRefused = stub.refused.get();
        refusedPerMinute = stub.refusedPerMinute.get();
        refusedPerDay = stub.refusedPerDay.get();
        refusedTokens = stub.refusedTokens.get();
        callsToCoolingKey = stub.callsToCoolingKey.get();
        callsToCoolingProject = stub.callsToCoolingProject.get();
        callsToDayRefusedKey = stub.callsToDayRefusedKey.get();
        callsRacingRefusal = stub.callsRacingRefusal.get();
        knownAfterMillis = stub.knownAfterMillis;
        coolingGaps = new ArrayList<>(stub.coolingGaps);
        coolingTimes = new ArrayList<>(stub.coolingTimes);
        coolingGaps.sort(null);
        unknownKey = stub.unknownKey.get();
        long out = 0;
        long perMinute = 0;
        for (GatewayKeys.Snapshot s : snapshots) {
            out = Math.max(out, s.out());
            perMinute = Math.max(perMinute, s.disabledForPerMinute());
            s.rows().stream().filter(GatewayKeys.Row::disabledForPerMinute).forEach(r -> disabledPerMinuteKeys.add(r.fingerprint()));
        }
        maxOut = out;
        maxDisabledPerMinute = perMinute;
        last = snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
        grouping = grouping(last);
    }

    /**
     * What a gateway that knew every limit could have served of this very load: each request, at the moment it was
     * sent, goes to a project with room left in its minute window and its day, the one whose window closes first (an
     * unused request of that window is lost soonest). For minute windows alone this greedy choice is optimal
     * (points matched to intervals by earliest end); with day budgets too it is a close bound.
     */
    static long[] ideal(StormSettings s, List<StormLoad.Result> results) {
        long[] out = new long[s.models().size()];
        for (int m = 0; m < s.models().size(); m++) {
            StormSettings.Model model = s.models().get(m);
            int cap = s.perMinute(model);
            List<Long> arrivals = new ArrayList<>();
            for (StormLoad.Result r : results) {
                if (r.model() == m && r.sentMillis() < s.runMillis()) {
                    arrivals.add(r.sentMillis());
                }
            }
            arrivals.sort(null);
            long[] window = new long[s.projects()];
            int[] inWindow = new int[s.projects()];
            long[] day = new long[s.projects()];
            int[] inDay = new int[s.projects()];
            java.util.Arrays.fill(window, Long.MIN_VALUE);
            java.util.Arrays.fill(day, Long.MIN_VALUE);
            for (long t : arrivals) {
                int best = -1;
                long bestEnd = Long.MAX_VALUE;
                for (int p = 0; p < s.projects(); p++) {
                    long w = s.window(p, t);
                    if (w != window[p]) {
                        window[p] = w;
                        inWindow[p] = 0;
                    }
                    long d = s.day(t);
                    if (d != day[p]) {
                        day[p] = d;
                        inDay[p] = 0;
                    }
                    if (inWindow[p] >= cap || model.rpd() > 0 && inDay[p] >= model.rpd()) {
                        continue;
                    }
                    long end = s.windowStart(p, w + 1);
                    if (end < bestEnd || end == bestEnd && inDay[p] < inDay[best]) {
                        best = p;
                        bestEnd = end;
                    }
                }
                if (best >= 0) {
                    inWindow[best]++;
                    inDay[best]++;
                    out[m]++;
                }
            }
        }
        return out;
    }

    /** What the limits allow during the run whatever the arrivals: every window of every project full, days capped. */
    static long upperBound(StormSettings s) {
        long total = 0;
        long run = s.runMillis();
        for (StormSettings.Model model : s.models()) {
            int cap = s.perMinute(model);
            for (int p = 0; p < s.projects(); p++) {
                Map<Long, Long> perDay = new HashMap<>();
                for (long w = s.window(p, 0); s.windowStart(p, w) < run; w++) {
                    perDay.merge(s.day(Math.max(0, s.windowStart(p, w))), (long) cap, Long::sum);
                }
                for (long n : perDay.values()) {
                    total += model.rpd() > 0 ? Math.min(n, model.rpd()) : n;
                }
            }
        }
        return total;
    }

    /** How the gateway grouped keys into projects, when its admin API says (a {@code project} on each row). */
    private String grouping(GatewayKeys.Snapshot s) {
        if (s == null || s.rows().stream().allMatch(r -> r.learnedProject() == null)) {
            return "not shown by the gateway's admin API";
        }
        Map<String, Set<Integer>> byLabel = new HashMap<>();
        Map<Integer, Set<String>> byProject = new HashMap<>();
        for (GatewayKeys.Row r : s.rows()) {
            if (r.learnedProject() != null && r.project() >= 0) {
                byLabel.computeIfAbsent(r.learnedProject(), x -> new HashSet<>()).add(r.project());
                byProject.computeIfAbsent(r.project(), x -> new HashSet<>()).add(r.learnedProject());
            }
        }
        long right = 0;
        for (GatewayKeys.Row r : s.rows()) {
            // right: its label holds keys of its project only, and its project's keys all carry that label
            if (r.learnedProject() != null && r.project() >= 0 && byLabel.get(r.learnedProject()).size() == 1
                    && byProject.get(r.project()).size() == 1) {
                right++;
            }
        }
        return right + " of " + s.rows().size() + " keys grouped exactly as their projects are";
    }

    public long served() {
        return served;
    }

    public long allowed() {
        return allowed;
    }

    public long upperBound() {
        return upperBound;
    }

    public double servedRatio() {
        return allowed == 0 ? 0 : (double) served / allowed;
    }

    public long callsToCoolingKey() {
        return callsToCoolingKey;
    }

    public long maxDisabledPerMinute() {
        return maxDisabledPerMinute;
    }

    public List<Long> minuteResets() {
        return minuteResets;
    }

    public List<Double> refusedWaits() {
        return refusedWaits;
    }

    public long stubServed() {
        return stubServed;
    }

    public long refusedPerMinute() {
        return refusedPerMinute;
    }

    public long status(int status) {
        return statuses.getOrDefault(status, 0L);
    }

    public long refusedWithRetryAfter() {
        return refusedWithRetryAfter;
    }

    public long unknownKey() {
        return unknownKey;
    }

    /** The figures the issue sets targets for. */
    public List<Figure> figures() {
        List<Figure> f = new ArrayList<>();
        f.add(new Figure("requests served / what the limits allow", "≥ 99%",
                String.format(Locale.ROOT, "%.1f%% (%d of %d)", 100 * servedRatio(), served, allowed),
                servedRatio() >= 0.99));
        f.add(new Figure("calls sent to keys the gateway knew were cooling", "0",
                callsToCoolingKey + " (" + callsToCoolingProject + " to a project already refused that quota)",
                callsToCoolingKey == 0));
        f.add(new Figure("keys disabled for a per-minute limit", "0",
                maxDisabledPerMinute + " (" + maxOut + " keys out of rotation at most)", maxDisabledPerMinute == 0));
        List<Long> back = minuteResets.stream().filter(v -> v >= 0).toList();
        long missed = minuteResets.size() - back.size();
        f.add(new Figure("time from a quota reset to the key serving again", "≤ 1 s",
                back.isEmpty() && missed == 0 ? "no refused window reset during the load"
                        : String.format(Locale.ROOT, "p50 %s, p95 %s, max %s over %d resets; %d resets not served again "
                                + "within their minute", ms(percentile(back, 50)), ms(percentile(back, 95)),
                        ms(percentile(back, 100)), minuteResets.size(), missed),
                missed == 0 && !back.isEmpty() && percentile(back, 95) <= 1000));
        f.add(new Figure("time a refused client waits for its 429", "< 100 ms",
                refusedWaits.isEmpty() ? "no 429 answered"
                        : String.format(Locale.ROOT, "p50 %s, p99 %s, max %s over %d refusals",
                        ms(percentile(refusedWaits, 50)), ms(percentile(refusedWaits, 99)),
                        ms(percentile(refusedWaits, 100)), refusedWaits.size()),
                !refusedWaits.isEmpty() && percentile(refusedWaits, 99) < 100));
        return f;
    }

    /** The results file. */
    public String markdown(String title, Map<String, String> about) {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        for (Map.Entry<String, String> e : about.entrySet()) {
            md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        md.append("- settings: `").append(settings.asEnvironment()).append("`\n");
        md.append("\n## Figures\n\n| figure | target | measured | met |\n|---|---|---|---|\n");
        for (Figure f : figures()) {
            md.append("| ").append(f.name()).append(" | ").append(f.target()).append(" | ").append(f.measured())
                    .append(" | ").append(f.met() ? "yes" : "**no**").append(" |\n");
        }
        md.append("\n## What the clients got\n\n");
        md.append("- requests: ").append(results.size()).append(" sent in ")
                .append(StormSettings.seconds(settings.runMillis())).append(" s (")
                .append(String.format(Locale.ROOT, "%.1f", settings.overload())).append("× the pool's per-minute capacity)\n");
        md.append("- statuses: ").append(statuses).append(" (0: no answer within the client's deadline)\n");
        for (int m = 0; m < settings.models().size(); m++) {
            StormSettings.Model model = settings.models().get(m);
            md.append("- ").append(model.name()).append(" (").append(model.rpm()).append(" per minute, ")
                    .append(model.rpd() > 0 ? model.rpd() + " per day" : "no daily limit")
                    .append(model.tpm() > 0 ? ", " + model.tpm() + " input tokens per minute" : "").append(" per project): served ")
                    .append(servedByModel[m]).append(" of ").append(allowedByModel[m]).append(" allowed\n");
        }
        md.append("- served per client token: ").append(java.util.Arrays.toString(servedByClient)).append('\n');
        md.append("- 429s with a Retry-After: ").append(refusedWithRetryAfter).append(" of ").append(refusedWaits.size()).append('\n');
        // where the slow 429s come from: per model, and per (compressed) minute of the load they were sent in
        Map<String, Long> slow = new java.util.TreeMap<>();
        for (StormLoad.Result r : results) {
            if (r.status() == 429 && r.waitMillis() >= 100) {
                slow.merge(settings.models().get(r.model()).name() + " in minute " + r.sentMillis() / settings.minuteMillis(),
                        1L, Long::sum);
            }
        }
        md.append("- 429s after 100 ms or more, by model and minute of the load: ").append(slow.isEmpty() ? "none" : slow)
                .append('\n');
        md.append("- 429s by wait: under 100 ms ").append(refusedWaits.stream().filter(w -> w < 100).count())
                .append(", 100 ms to 1 s ").append(refusedWaits.stream().filter(w -> w >= 100 && w < 1_000).count())
                .append(", 1 s to 9 s ").append(refusedWaits.stream().filter(w -> w >= 1_000 && w < 9_000).count())
                .append(", 9 s or more ").append(refusedWaits.stream().filter(w -> w >= 9_000).count()).append('\n');
        md.append("- upper bound of the limits, whatever the arrivals (every window of every project full): ")
                .append(upperBound).append('\n');
        for (Map.Entry<String, String> e : firstMessages.entrySet()) {
            md.append("- ").append(kinds.get(e.getKey())).append(" × status ").append(e.getKey(), 0, e.getKey().indexOf(':'))
                    .append(e.getKey().endsWith(" +Retry-After") ? " with" : " without").append(" Retry-After, e.g. `")
                    .append(e.getValue() == null ? "" : e.getValue().replace('`', '\'')).append("`\n");
        }
        md.append("\n## What Google (the stub) saw\n\n");
        md.append("- calls: ").append(stubCalls).append(" (").append(String.format(Locale.ROOT, "%.2f",
                results.isEmpty() ? 0.0 : (double) stubCalls / results.size())).append(" per client request); served ")
                .append(stubServed).append(", refused with 429 ").append(stubRefused).append(" (per-minute requests ")
                .append(refusedPerMinute).append(", per-minute tokens ").append(refusedTokens).append(", per-day ")
                .append(refusedPerDay).append("; a 429 may name several)\n");
        md.append("- calls to a key the stub had refused that quota and whose window had not reset: ")
                .append(callsToCoolingKey).append(" (").append(callsToDayRefusedKey)
                .append(" of them to a key refused for the day); to a project so refused (through any of its keys): ")
                .append(callsToCoolingProject).append('\n');
        md.append("- how long after the key's refusal had been written those calls came: ").append(gaps())
                .append("; not counted: calls within ").append(knownAfterMillis)
                .append(" ms of it or before (racing it: the gateway had picked the key before it read the refusal): ")
                .append(callsRacingRefusal).append('\n');
        Map<Long, Long> coolingByMinute = new java.util.TreeMap<>();
        for (long t : coolingTimes) {
            coolingByMinute.merge(t / settings.minuteMillis(), 1L, Long::sum);
        }
        md.append("- those calls by (compressed) minute of the load: ").append(coolingByMinute.isEmpty() ? "none"
                : coolingByMinute).append('\n');
        md.append("- calls with a key it does not know: ").append(unknownKey).append('\n');
        List<Long> back = minuteResets.stream().filter(v -> v >= 0).toList();
        md.append("- per-minute resets of a refused project: ").append(minuteResets.size()).append(", served again after ")
                .append(summary(back)).append(", not served again within the minute: ")
                .append(minuteResets.size() - back.size()).append('\n');
        md.append("- per-day resets of a refused project: ").append(settings.dayMillis() == 0
                ? "none (the compressed day outlasts the run)" : dayResets.size() + ", served again after "
                + summary(dayResets.stream().filter(v -> v >= 0).toList()) + ", not within the day: "
                + dayResets.stream().filter(v -> v < 0).count()).append('\n');
        md.append("\n## What the gateway says of its keys\n\n");
        if (last == null) {
            md.append("- no snapshot of the admin API\n");
        } else {
            Map<String, Long> states = new TreeMap<>();
            last.rows().forEach(r -> states.merge(r.state(), 1L, Long::sum));
            md.append("- at the end: ").append(states).append(", ").append(last.cooling()).append(" cooling\n");
            md.append("- most keys out of rotation at once: ").append(maxOut).append("; keys ever out for a per-minute quota: ")
                    .append(disabledPerMinuteKeys.size()).append('\n');
            md.append("- project grouping: ").append(grouping).append('\n');
        }
        return md.toString();
    }

    private String gaps() {
        long[] bounds = {100, 1000, Long.MAX_VALUE};
        String[] names = {"≤ 100 ms", "≤ 1 s", "later"};
        StringBuilder b = new StringBuilder();
        long from = Long.MIN_VALUE;
        for (int i = 0; i < bounds.length; i++) {
            long lo = from;
            long hi = bounds[i];
            b.append(i == 0 ? "" : ", ").append(names[i]).append(' ')
                    .append(coolingGaps.stream().filter(g -> g > lo && g <= hi).count());
            from = hi;
        }
        return b.toString();
    }

    private static String summary(List<Long> v) {
        return v.isEmpty() ? "-" : String.format(Locale.ROOT, "p50 %s, p95 %s, max %s", ms(percentile(v, 50)),
                ms(percentile(v, 95)), ms(percentile(v, 100)));
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<? extends Number> sorted, int pct) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(pct / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))).doubleValue();
    }

    static String ms(double v) {
        return v >= 1000 ? String.format(Locale.ROOT, "%.2f s", v / 1000) : String.format(Locale.ROOT, "%.1f ms", v);
    }
}
