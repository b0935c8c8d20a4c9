namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>
/// An error answered in the REST-JSON way: the <c>x-amzn-ErrorType</c> header names the shape,
/// the body carries <c>message</c> plus the shape's other members (service model 2019-11-01).
/// </summary>
public sealed class AnalyzerError : Exception
{
    private AnalyzerError(string errorType, int statusCode, string message)
        : base(message)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
    }

    public string ErrorType { get; }

    public int StatusCode { get; }

    /// <summary>Extra body members (reason, fieldList, resourceId, resourceType).</summary>
    public IDictionary<string, object> Members { get; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>Seconds for the <c>Retry-After</c> header (throttling, internal errors).</summary>
    public int? RetryAfterSeconds { get; private init; }

    public static AnalyzerError Validation(string message, string reason = "fieldValidationFailed", params (string Name, string Message)[] fields)
    {
        var error = new AnalyzerError("ValidationException", 400, message);
        error.Members["reason"] = reason;
        if (fields.Length > 0)
        {
            error.Members["fieldList"] = fields.Select(f => new Dictionary<string, string> { ["name"] = f.Name, ["message"] = f.Message }).ToList();
        }

        return error;
    }

    public static AnalyzerError Conflict(string message, string resourceId, string resourceType) =>
        WithResource(new AnalyzerError("ConflictException", 409, message), resourceId, resourceType);

    public static AnalyzerError ServiceQuotaExceeded(string message, string resourceId, string resourceType) =>
        WithResource(new AnalyzerError("ServiceQuotaExceededException", 402, message), resourceId, resourceType);

    public static AnalyzerError ResourceNotFound(string message, string resourceId, string resourceType) =>
        WithResource(new AnalyzerError("ResourceNotFoundException", 404, message), resourceId, resourceType);

    public static AnalyzerError AccessDenied(string message) => new("AccessDeniedException", 403, message);

    public static AnalyzerError UnrecognizedClient() =>
        new("UnrecognizedClientException", 403, "The security token included in the request is invalid.");

    public static AnalyzerError MissingAuthenticationToken() =>
        new("MissingAuthenticationTokenException", 403, "Missing Authentication Token");

    public static AnalyzerError Throttling(string message, int retryAfterSeconds) =>
        new("ThrottlingException", 429, message) { RetryAfterSeconds = retryAfterSeconds };

    public static AnalyzerError InternalServer(string message) =>
        new("InternalServerException", 500, message) { RetryAfterSeconds = 1 };

    private static AnalyzerError WithResource(AnalyzerError error, string resourceId, string resourceType)
    {
        error.Members["resourceId"] = resourceId;
        error.Members["resourceType"] = resourceType;
        return error;
    }
}
