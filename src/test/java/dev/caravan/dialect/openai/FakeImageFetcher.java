package dev.caravan.dialect.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An {@link ImageFetcher} that serves a fixed set of URLs and refuses the rest, as the real one would. */
final class FakeImageFetcher implements ImageFetcher {

    private final Map<String, InlineData> images;
    final List<String> fetched = new ArrayList<>();

    FakeImageFetcher(Map<String, InlineData> images) {
        this.images = images;
    }

    @Override
    public InlineData fetch(String url) {
        fetched.add(url);
        InlineData image = images.get(url);
        if (image == null) {
            throw new ImageFetchException("the server answered 404");
        }
        return image;
    }
}
