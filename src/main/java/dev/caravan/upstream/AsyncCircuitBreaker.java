package dev.caravan.upstream;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.NamedNode;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.Traceable;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.model.CircuitBreakerDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.Resilience4jConfigurationCommon;
import org.apache.camel.spi.IdAware;
import org.apache.camel.spi.ProcessorFactory;
import org.apache.camel.spi.RouteIdAware;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.service.ServiceHelper;

/**
 * The circuitBreaker EIP without a parked thread: camel-resilience4j's {@link ResilienceProcessor} runs the breaker's
 * steps synchronously (Camel waits on a latch while an asynchronous step such as {@link GeminiCall} is under way, and
 * on an event loop that wait never ends). This processor keeps everything of it (the configuration, the breaker
 * instance in Resilience4j's registry, the delegate that JMX shows when processor MBeans are on, the fallback and the
 * exchange properties it sets) and drives the breaker with Resilience4j's asynchronous API instead (and, having no
 * time limiter, runs the steps on the exchange itself rather than on a copy): {@code tryAcquirePermission} before the
 * steps, {@code onSuccess}/{@code onError} from their completion callback, the fallback from there too. What counts
 * as a failure is unchanged: an exception on the exchange (so 5xx, timeouts and connection errors, which GeminiCall
 * raises; 429s are answers, not failures), filtered by the breaker's record/ignore predicates.
 *
 * <p>Installed by {@link Factory}, a {@link ProcessorFactory} that wraps every circuitBreaker the Resilience4j factory
 * builds; the YAML keeps the EIP and its {@code camel.resilience4j.*} settings. A time limiter or bulkhead would need
 * a thread of their own: a breaker configured with either is refused at start. Uses nothing of Caravan; written so it
 * could go upstream as the asynchronous mode of {@code ResilienceProcessor}.
 *
 * <p>Thread-safe: the breaker is Resilience4j's (thread-safe); each exchange's state lives in its own callbacks.
 */
public final class AsyncCircuitBreaker extends AsyncProcessorSupport
        implements CamelContextAware, Navigate<Processor>, Traceable, IdAware, RouteIdAware {

    private final ResilienceProcessor stock;
    private final AsyncProcessor steps;
    private final AsyncProcessor fallback;
    private final boolean throwWhenOpen;
    private volatile CircuitBreaker breaker;

    AsyncCircuitBreaker(ResilienceProcessor stock, boolean throwWhenOpen) {
        this.stock = stock;
        List<Processor> next = stock.next();
        this.steps = AsyncProcessorConverterHelper.convert(next.get(0));
        this.fallback = next.size() > 1 ? AsyncProcessorConverterHelper.convert(next.get(1)) : null;
        this.throwWhenOpen = throwWhenOpen;
    }

    /** The breaker (Resilience4j's instance, as the stock processor registered it), once started. */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        // as in a try block: the route's error handler does not act on failures inside the breaker
        exchange.setProperty(ExchangePropertyKey.TRY_ROUTE_BLOCK, true);
        CircuitBreaker cb = breaker;
        if (!cb.tryAcquirePermission()) {
            return failed(exchange, CallNotPermittedException.createCallNotPermittedException(cb), callback, true);
        }
        long start = cb.getCurrentTimestamp();
        // The steps work on the exchange itself. The stock processor gives them a copy with a unit of work of its
        // own so that a step a time limiter gave up on, still running on another thread, cannot write into the
        // exchange the route goes on with; without a time limiter (refused at start) the steps end before the route
        // goes on, and the copy, its unit of work and the copy back cost a tenth of a request's allocation.
        boolean[] completedSync = new boolean[1];
        boolean stepsSync = steps.process(exchange, doneSync -> {
            long took = cb.getCurrentTimestamp() - start;
            Throwable cause = exchange.getException();
            if (cause == null) {
                cb.onSuccess(took, cb.getTimestampUnit());
                exchange.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_SUCCESSFUL_EXECUTION, true);
                exchange.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_FROM_FALLBACK, false);
                exchange.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_STATE, cb.getState().name());
                completedSync[0] = done(exchange, callback, doneSync);
                return;
            }
            cb.onError(took, cb.getTimestampUnit(), cause);
            completedSync[0] = failed(exchange, cause, callback, doneSync);
        });
        return stepsSync && completedSync[0];
    }

    /**
     * The stock recovery of a failed or refused call: an ignored or unrecorded exception is cleared, otherwise the
     * fallback runs (asynchronously too), or without one the failure stays on the exchange.
     */
    private boolean failed(Exchange exchange, Throwable cause, AsyncCallback callback, boolean sync) {
        CircuitBreakerConfig config = breaker.getCircuitBreakerConfig();
        exchange.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_STATE, breaker.getState().name());
        boolean refused = cause instanceof CallNotPermittedException;
        if (!refused && config.getIgnoreExceptionPredicate().test(cause)) {
            outcome(exchange, false, false, false);
            exchange.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_IGNORED, true);
            exchange.setException(null);
            return done(exchange, callback, sync);
        }
        if (!refused && !config.getRecordExceptionPredicate().test(cause)) {
            outcome(exchange, true, false, false);
            exchange.setException(null);
            return done(exchange, callback, sync);
        }
        if (fallback == null) {
            outcome(exchange, false, false, true);
            exchange.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_REJECTED, true);
            if (!refused || throwWhenOpen) {
                exchange.setException(cause);
            }
            return done(exchange, callback, sync);
        }
        outcome(exchange, false, true, true);
        if (exchange.getProperty(ExchangePropertyKey.FAILURE_ENDPOINT) == null) {
            exchange.setProperty(ExchangePropertyKey.FAILURE_ENDPOINT, exchange.getProperty(ExchangePropertyKey.TO_ENDPOINT));
        }
        // the fallback handles the failure: the rest of the route goes on as after a caught exception
        exchange.setProperty(ExchangePropertyKey.EXCEPTION_HANDLED, true);
        exchange.setProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, exchange.getException());
        exchange.setRouteStop(false);
        exchange.setException(null);
        exchange.getExchangeExtension().setRedeliveryExhausted(false);
        try {
            return fallback.process(exchange, fallbackSync -> {
                exchange.removeProperty(ExchangePropertyKey.TRY_ROUTE_BLOCK);
                callback.done(sync && fallbackSync);
            }) && sync;
        } catch (Throwable e) {
            exchange.setException(e);
            return done(exchange, callback, sync);
        }
    }

    private static void outcome(Exchange exchange, boolean successful, boolean fromFallback, boolean shortCircuited) {
        exchange.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_SUCCESSFUL_EXECUTION, successful);
        exchange.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_FROM_FALLBACK, fromFallback);
        exchange.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_SHORT_CIRCUITED, shortCircuited);
    }

    private static boolean done(Exchange exchange, AsyncCallback callback, boolean sync) {
        exchange.removeProperty(ExchangePropertyKey.TRY_ROUTE_BLOCK);
        callback.done(sync);
        return sync;
    }

    @Override
    protected void doBuild() throws Exception {
        ServiceHelper.buildService(stock);
    }

    @Override
    protected void doInit() throws Exception {
        ServiceHelper.initService(stock);
    }

    @Override
    protected void doStart() throws Exception {
        ServiceHelper.startService(stock);
        if (stock.isTimeoutEnabled() || stock.isBulkheadEnabled()) {
            throw new IllegalStateException("circuitBreaker " + stock.getId() + ": the asynchronous circuit breaker runs"
                    + " without a time limiter or bulkhead (each would hold a thread per call); set timeoutEnabled and"
                    + " bulkheadEnabled to false and let the steps time themselves out");
        }
        breaker = stock.getCircuitBreaker();
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(stock);
    }

    @Override
    protected void doShutdown() throws Exception {
        ServiceHelper.stopAndShutdownService(stock);
    }

    @Override
    public List<Processor> next() {
        return stock.next();
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public CamelContext getCamelContext() {
        return stock.getCamelContext();
    }

    @Override
    public void setCamelContext(CamelContext context) {
        stock.setCamelContext(context);
    }

    @Override
    public String getTraceLabel() {
        return stock.getTraceLabel();
    }

    @Override
    public String getId() {
        return stock.getId();
    }

    @Override
    public void setId(String id) {
        stock.setId(id);
    }

    @Override
    public String getRouteId() {
        return stock.getRouteId();
    }

    @Override
    public void setRouteId(String routeId) {
        stock.setRouteId(routeId);
    }

    /**
     * Makes every circuitBreaker EIP an {@link AsyncCircuitBreaker} around the processor the Resilience4j factory
     * builds; every other definition is left to the factory it wraps.
     */
    public static final class Factory implements ProcessorFactory {
        private final ProcessorFactory delegate;

        public Factory(ProcessorFactory delegate) {
            this.delegate = delegate;
        }

        /** Installs the factory on the context, around the one in place; before the routes are built. */
        public static void install(CamelContext context) {
            ProcessorFactory current = PluginHelper.getProcessorFactory(context);
            if (!(current instanceof Factory)) {
                context.getCamelContextExtension().addContextPlugin(ProcessorFactory.class, new Factory(current));
            }
        }

        @Override
        public Processor createChildProcessor(Route route, NamedNode definition, boolean mandatory) throws Exception {
            return delegate.createChildProcessor(route, definition, mandatory);
        }

        @Override
        public Processor createProcessor(Route route, NamedNode definition) throws Exception {
            Processor made = delegate.createProcessor(route, definition);
            if (made instanceof ResilienceProcessor stock && definition instanceof CircuitBreakerDefinition cb) {
                if (stock.getCamelContext() == null) {
                    stock.setCamelContext(route.getCamelContext());
                }
                return new AsyncCircuitBreaker(stock, throwWhenOpen(route.getCamelContext(), cb));
            }
            return made;
        }

        @Override
        public Processor createProcessor(CamelContext context, String definitionName, Object[] args) throws Exception {
            return delegate.createProcessor(context, definitionName, args);
        }

        /** throwExceptionWhenHalfOpenOrOpenState as the Resilience4j reifier resolves it: inline, named, global. */
        private static boolean throwWhenOpen(CamelContext context, CircuitBreakerDefinition definition) {
            Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
            String value = null;
            for (Resilience4jConfigurationCommon c : new Resilience4jConfigurationCommon[] {
                    definition.getResilience4jConfiguration(),
                    definition.getConfiguration() == null || model == null ? null
                            : model.getResilience4jConfiguration(definition.getConfiguration()),
                    model == null ? null : model.getResilience4jConfiguration(null) }) {
                if (value == null && c != null) {
                    value = c.getThrowExceptionWhenHalfOpenOrOpenState();
                }
            }
            return value != null && Boolean.TRUE.equals(CamelContextHelper.parseBoolean(context, value));
        }
    }
}
