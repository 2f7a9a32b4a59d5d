/**
 * Image hosts: the beans behind routes/image-host.camel.yaml and the host routes of routes/image-hosts/ (one file per
 * UPLOAD_PROVIDER), which upload generated images with camel-http so that clients get short links instead of
 * inline bytes.
 */
package dev.caravan.imagehost;
