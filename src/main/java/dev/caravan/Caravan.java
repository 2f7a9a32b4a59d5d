package dev.caravan;

import java.util.Properties;

import dev.caravan.config.InvalidSettingException;
import dev.caravan.ops.StartupHeap;
import dev.caravan.routes.BrokenRouteFileException;
import dev.caravan.routes.CustomRoutesFolder;
import dev.caravan.routes.RouteFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Caravan: Camel Main with {@code application.properties}, {@code routes/*.camel.yaml} and the operators' own
 * {@code custom-routes/*.yaml} from the working directory. Tests start the same main with override properties, so
 * they run what users run.
 */
public final class Caravan {

    private static final Logger LOG = LoggerFactory.getLogger(Caravan.class);
    /** What {@link #start()} says when the HTTP port was taken. */
    public static final String PORT_NOT_BOUND = "Caravan could not bind its HTTP port";

    private final Main main;
    private final CaravanConfiguration configuration = new CaravanConfiguration();
    private volatile int boundPort;
    private volatile boolean bindFailed;
    /** Set by {@link #main}: the process is Caravan alone, so its start-up memory is given back before serving. */
    private volatile boolean releaseStartupHeap;
    /** What Camel Main threw while starting (a route file it could not load, create or start), or null. */
    private volatile Throwable camelFailure;
    /** A setting refused once the routes had started, when {@link #main} runs Caravan (java -jar), or null. */
    private volatile RuntimeException refusedAfterStart;

    /** @param overrides properties that win over application.properties and the environment (tests use them) */
    public Caravan(Properties overrides) {
        this(overrides, null);
    }

    /**
     * @param overrides   properties that win over application.properties and the environment (tests use them)
     * @param environment the environment variables that {@code {{env:NAME:default}}} reads, instead of the process's
     *                    own (a test feeds an operator's .env this way); null: the process's environment
     */
    public Caravan(Properties overrides, java.util.Map<String, String> environment) {
        java.util.Map<String, String> env = environment != null ? java.util.Map.copyOf(environment) : System.getenv();
        // LOG_LEVEL from the first line on (gemini-balance's warning and critical included); the settings apply it again
        dev.caravan.ops.LogLevels.applyEarly(env.get("LOG_LEVEL"));
        main = new Main() {
            // Main.run() logs a failed start and returns; keep the failure so that start-up can name its cause
            @Override
            protected void doInit() throws Exception {
                try {
                    super.doInit();
                } catch (Exception e) {
                    camelFailure = e;
                    throw e;
                }
            }

            @Override
            protected void doStart() throws Exception {
                try {
                    super.doStart();
                } catch (Exception e) {
                    camelFailure = e;
                    throw e;
                }
            }
        };
        main.setPropertyPlaceholderLocations("file:application.properties");
        if (overrides != null && !overrides.isEmpty()) {
            // a copy: Camel adds to its override properties (the settings table does), the caller's stay as given
            Properties copy = new Properties();
            copy.putAll(overrides);
            main.setOverrideProperties(copy);
        }
        // one Prometheus registry for Camel's metrics (the JVM binders) and Caravan's own meters
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        main.configure().addConfiguration(configuration);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                if (environment != null) {
                    m.getCamelContext().getPropertiesComponent().addPropertiesFunction(new EnvironmentFunction(env));
                }
                // gemini-balance variables that are set but mean nothing here: said once, by name, never by value
                String ignored = dev.caravan.config.GeminiBalanceVariables.warning(env);
                if (ignored != null) {
                    LOG.warn(ignored);
                }
                // a route folder that is a symbolic link is scanned where it points (Camel's own scan finds nothing)
                dev.caravan.routes.LinkedFolderResourceResolver.install(m.getCamelContext());
                // before Camel scans camel.main.routes-include-pattern, which names this folder
                CustomRoutesFolder.of(m.getCamelContext().getPropertiesComponent()
                        .resolveProperty(CustomRoutesFolder.PROPERTY).orElse(null)).prepare();
            }

            @Override
            public void afterStart(BaseMainSupport m) {
                try {
                    announce(m.getCamelContext());
                } catch (RuntimeException refused) {
                    // Camel's run() would log this and leave the context running, so that the JVM's exit then waited
                    // a minute for it and ended with status 0: completed, run() stops the context and main() says why
                    refusedAfterStart = refused;
                    main.completed();
                }
            }
        });
    }

    public static void main(String[] args) {
        Caravan caravan = new Caravan(null);
        caravan.releaseStartupHeap = true;
        int code;
        try {
            code = caravan.main.run(args);
        } catch (Exception e) {
            code = 1;
        }
        if (caravan.bindFailed) {
            code = 2;
        }
        Throwable failure = caravan.startupFailure();
        if (failure != null) {
            System.err.println("Caravan did not start: " + failure.getMessage());
            code = code == 0 ? 1 : code;
        }
        System.exit(code);
    }

    /** Starts in the background and returns once the gateway serves, or throws why it cannot. */
    public Caravan start() throws Exception {
        try {
            main.start();
        } catch (Exception e) {
            Throwable failure = startupFailure();
            stopAfter(e);
            throw new IllegalStateException("Caravan did not start: " + (failure != null ? failure : e).getMessage(), e);
        }
        if (boundPort == 0 && startupFailure() == null) {
            // Main.start() (unlike run()) does not tell the listeners
            try {
                announce(main.getCamelContext());
            } catch (RuntimeException refused) {
                // a setting refused once the routes are known (an image host no route serves): the started context
                // stops here, or it would serve on and hold the JVM's exit for a minute
                stopAfter(refused);
                throw refused;
            }
        }
        Throwable failure = startupFailure();
        if (failure != null) {
            stop();
            throw new IllegalStateException("Caravan did not start: " + failure.getMessage(), failure);
        }
        if (bindFailed) {
            stop();
            throw new IllegalStateException(PORT_NOT_BOUND);
        }
        return this;
    }

    /** Stops after a refused start; a failure to stop goes with {@code refusal} rather than replacing it. */
    private void stopAfter(Throwable refusal) {
        try {
            stop();
        } catch (Exception stopping) {
            refusal.addSuppressed(stopping);
        }
    }

    public void stop() throws Exception {
        main.stop();
    }

    public int port() {
        return boundPort;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public CaravanConfiguration configuration() {
        return configuration;
    }

    /** Why start-up failed: a setting, else a route file named with its problem, else what Camel said; or null. */
    private Throwable startupFailure() {
        if (configuration.failure() != null) {
            return configuration.failure();
        }
        if (refusedAfterStart != null) {
            return refusedAfterStart;
        }
        Throwable failure = camelFailure;
        if (failure == null) {
            return null;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidSettingException invalid) {
                return invalid;
            }
        }
        String pattern = main.configure().getRoutesIncludePattern();
        if (pattern == null && main.getCamelContext() != null) {
            pattern = main.getCamelContext().getPropertiesComponent()
                    .resolveProperty("camel.main.routes-include-pattern").orElse(null);
        }
        return BrokenRouteFileException.explain(failure, RouteFiles.matching(pattern), main.getCamelContext())
                .map(Throwable.class::cast).orElse(failure);
    }

    /** Every route has started: now, and not before, the main port opens. */
    private void announce(CamelContext context) {
        int port = configuration.settings().port();
        if (releaseStartupHeap) {
            // before the port opens, so that no request waits behind the collection
            StartupHeap.release();
        }
        try {
            boundPort = configuration.serve(context);
        } catch (IllegalStateException e) {
            bindFailed = true;
            LOG.error("Caravan could not listen on port {}: is another process using it? Set PORT to another port. ({})",
                    port, e.getMessage());
            main.completed();
            return;
        }
        configuration.registerHealth(context, () -> boundPort);
        LOG.info("Caravan listening on port {} with {} API keys ({} usable)", boundPort,
                configuration.pool().size(), configuration.pool().usable());
    }

    /** {@code {{env:NAME:default}}} read from a given map instead of the process's environment. */
    private static final class EnvironmentFunction implements org.apache.camel.spi.PropertiesFunction {
        private final java.util.Map<String, String> env;

        EnvironmentFunction(java.util.Map<String, String> env) {
            this.env = env;
        }

        @Override
        public String getName() {
            return "env";
        }

        @Override
        public String apply(String remainder) {
            int colon = remainder.indexOf(':');
            String name = colon < 0 ? remainder : remainder.substring(0, colon);
            String value = env.get(name);
            if (value == null) {
                // Camel's own function also takes the upper-case name with '_' for '-' and '.'
                value = env.get(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_').replace('.', '_'));
            }
            return value != null ? value : colon < 0 ? null : remainder.substring(colon + 1);
        }
    }
}
