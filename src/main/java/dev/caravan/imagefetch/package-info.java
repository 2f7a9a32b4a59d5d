/**
 * Fetching image URLs that clients put in chat messages, safely: the addresses a fetch may never reach
 * ({@link dev.caravan.imagefetch.ForbiddenAddresses}), one checked name lookup per connection
 * ({@link dev.caravan.imagefetch.ImageAddressResolver}), a deadline and a byte cap per fetch
 * ({@link dev.caravan.imagefetch.ImageFetchLimits}), put together as the HttpClient of the
 * {@code openai-fetch-image} route ({@link dev.caravan.imagefetch.ImageFetchClient}).
 */
package dev.caravan.imagefetch;
