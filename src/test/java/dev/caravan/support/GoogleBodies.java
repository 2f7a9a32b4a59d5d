package dev.caravan.support;

/** Google's real answer bodies, as the Generative Language API sends them. */
public final class GoogleBodies {

    private GoogleBodies() {
    }

    public static String generateContent(String text) {
        return """
                {
                  "candidates": [
                    {
                      "content": {"parts": [{"text": "%s"}], "role": "model"},
                      "finishReason": "STOP",
                      "index": 0
                    }
                  ],
                  "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 1, "totalTokenCount": 5},
                  "modelVersion": "gemini-2.5-flash",
                  "responseId": "stub-response"
                }
                """.formatted(text);
    }

    /** One SSE event of streamGenerateContent?alt=sse. */
    public static String sseEvent(String text) {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"" + text
                + "\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 4,"
                + "\"totalTokenCount\": 4},\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n";
    }

    public static String quotaPerMinute(String retryDelay) {
        return """
                {
                  "error": {
                    "code": 429,
                    "message": "You exceeded your current quota, please check your plan and billing details. * Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10\\nPlease retry in 27.123456s.",
                    "status": "RESOURCE_EXHAUSTED",
                    "details": [
                      {
                        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                        "violations": [
                          {
                            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                            "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                            "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"},
                            "quotaValue": "10"
                          }
                        ]
                      },
                      {
                        "@type": "type.googleapis.com/google.rpc.Help",
                        "links": [{"description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]
                      },
                      {
                        "@type": "type.googleapis.com/google.rpc.RetryInfo",
                        "retryDelay": "%s"
                      }
                    ]
                  }
                }
                """.formatted(retryDelay);
    }

    public static String quotaPerDay() {
        return """
                {
                  "error": {
                    "code": 429,
                    "message": "You exceeded your current quota, please check your plan and billing details. * Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 250",
                    "status": "RESOURCE_EXHAUSTED",
                    "details": [
                      {
                        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                        "violations": [
                          {
                            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                            "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                            "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"},
                            "quotaValue": "250"
                          }
                        ]
                      },
                      {
                        "@type": "type.googleapis.com/google.rpc.RetryInfo",
                        "retryDelay": "13s"
                      }
                    ]
                  }
                }
                """;
    }

    public static String quotaLimitZero() {
        return """
                {
                  "error": {
                    "code": 429,
                    "message": "You exceeded your current quota, please check your plan and billing details. * Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_input_token_count, limit: 0, model: gemini-2.5-pro",
                    "status": "RESOURCE_EXHAUSTED",
                    "details": [
                      {
                        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                        "violations": [
                          {
                            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count",
                            "quotaId": "GenerateContentInputTokensPerModelPerMinute-FreeTier",
                            "quotaDimensions": {"location": "global", "model": "gemini-2.5-pro"}
                          }
                        ]
                      },
                      {
                        "@type": "type.googleapis.com/google.rpc.RetryInfo",
                        "retryDelay": "40s"
                      }
                    ]
                  }
                }
                """;
    }

    /** Shared-capacity throttling: a 429 with no details. */
    public static String throttled() {
        return """
                {
                  "error": {
                    "code": 429,
                    "message": "Resource has been exhausted (e.g. check quota).",
                    "status": "RESOURCE_EXHAUSTED"
                  }
                }
                """;
    }

    public static String keyInvalid() {
        return """
                {
                  "error": {
                    "code": 400,
                    "message": "API key not valid. Please pass a valid API key.",
                    "status": "INVALID_ARGUMENT",
                    "details": [
                      {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                        "metadata": {"service": "generativelanguage.googleapis.com"}
                      },
                      {
                        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                        "locale": "en-US",
                        "message": "API key not valid. Please pass a valid API key."
                      }
                    ]
                  }
                }
                """;
    }

    /** A 403 with an ErrorInfo reason such as CONSUMER_SUSPENDED or SERVICE_DISABLED. */
    public static String forbidden(String reason) {
        return """
                {
                  "error": {
                    "code": 403,
                    "message": "Permission denied: Consumer 'api_key:redacted' has been suspended.",
                    "status": "PERMISSION_DENIED",
                    "details": [
                      {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "%s",
                        "domain": "googleapis.com",
                        "metadata": {"service": "generativelanguage.googleapis.com", "consumer": "projects/123"}
                      }
                    ]
                  }
                }
                """.formatted(reason);
    }

    /** The client's own mistake: no key reason. */
    public static String badRequest() {
        return """
                {
                  "error": {
                    "code": 400,
                    "message": "* GenerateContentRequest.contents: contents is not specified\\n",
                    "status": "INVALID_ARGUMENT"
                  }
                }
                """;
    }

    public static String notFound() {
        return """
                {
                  "error": {
                    "code": 404,
                    "message": "models/gemini-0.0-nope is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.",
                    "status": "NOT_FOUND"
                  }
                }
                """;
    }

    public static String unavailable() {
        return """
                {
                  "error": {
                    "code": 503,
                    "message": "The model is overloaded. Please try again later.",
                    "status": "UNAVAILABLE"
                  }
                }
                """;
    }

    public static String internal() {
        return """
                {
                  "error": {
                    "code": 500,
                    "message": "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
                    "status": "INTERNAL"
                  }
                }
                """;
    }

    /** Google's OpenAI-compatible surface answers errors as a one-element array. */
    public static String arrayEnvelope(String objectEnvelope) {
        return "[" + objectEnvelope.strip() + "]";
    }

    public static String models() {
        return """
                {
                  "models": [
                    {"name": "models/gemini-2.5-flash", "displayName": "Gemini 2.5 Flash", "supportedGenerationMethods": ["generateContent", "countTokens"]},
                    {"name": "models/text-embedding-004", "displayName": "Text Embedding 004", "supportedGenerationMethods": ["embedContent"]}
                  ],
                  "nextPageToken": "page-2"
                }
                """;
    }
}
