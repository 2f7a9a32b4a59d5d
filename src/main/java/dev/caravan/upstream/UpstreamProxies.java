package dev.caravan.upstream;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;

/**
 * PROXIES (gemini-balance's name): outbound proxies for the calls to Google on the data plane (GeminiCall). Each
 * key's calls always go through the same proxy (chosen by a hash of the key), so Google sees one key coming from one
 * address, as gemini-balance's consistent-hash option does; the control plane (the scheduled key re-check, the admin
 * page's key test, image-URL fetches) goes direct. With PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY=false a proxy is drawn
 * at random for every attempt instead. Immutable; thread-safe.
 */
public final class UpstreamProxies {

    private final List<ProxyOptions> proxies;
    private final boolean byKey;

    private UpstreamProxies(List<ProxyOptions> proxies, boolean byKey) {
        this.proxies = List.copyOf(proxies);
        this.byKey = byKey;
    }

    /** The same proxies, each attempt through one drawn at random (false) or each key through its own (true). */
    public UpstreamProxies byKey(boolean byKey) {
        return new UpstreamProxies(proxies, byKey);
    }

    /**
     * @param urls {@code http://[user:pass@]host:port} or {@code socks5://[user:pass@]host:port}
     * @throws IllegalArgumentException naming the bad entry's position (never its credentials)
     */
    public static UpstreamProxies of(List<String> urls) {
        List<ProxyOptions> list = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            list.add(parse(urls.get(i), i + 1));
        }
        return new UpstreamProxies(list, true);
    }

    private static ProxyOptions parse(String url, int position) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("proxy #" + position + " is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        ProxyType type = switch (scheme) {
            case "http", "https" -> ProxyType.HTTP;
            case "socks5", "socks5h" -> ProxyType.SOCKS5;
            case "socks4" -> ProxyType.SOCKS4;
            default -> throw new IllegalArgumentException("proxy #" + position + " must be http://, socks5:// or socks4://");
        };
        if (uri.getHost() == null || uri.getPort() <= 0) {
            throw new IllegalArgumentException("proxy #" + position + " needs a host and a port");
        }
        ProxyOptions options = new ProxyOptions().setType(type).setHost(uri.getHost()).setPort(uri.getPort());
        String userInfo = uri.getUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            options.setUsername(colon < 0 ? userInfo : userInfo.substring(0, colon));
            if (colon >= 0) {
                options.setPassword(userInfo.substring(colon + 1));
            }
        }
        return options;
    }

    /** The proxy for {@code key}, or null when no proxy is configured. */
    public ProxyOptions forKey(String key) {
        if (proxies.isEmpty() || key == null) {
            return null;
        }
        if (!byKey) {
            return proxies.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(proxies.size()));
        }
        return proxies.get(Math.floorMod(key.hashCode(), proxies.size()));
    }

    /** The {@code index}th proxy, in the order of PROXIES (the admin page's proxy check). */
    public ProxyOptions get(int index) {
        return proxies.get(index);
    }

    public int size() {
        return proxies.size();
    }
}
