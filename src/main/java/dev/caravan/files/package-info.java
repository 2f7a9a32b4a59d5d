/**
 * The Files API (routes/files.camel.yaml): uploads streamed through to Google with the key whose project will hold
 * the file, the record of which key and which client own each file, and the pinning of later requests that name a
 * file to that key.
 */
package dev.caravan.files;
