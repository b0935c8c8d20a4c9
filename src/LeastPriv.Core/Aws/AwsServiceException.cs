using System.Net;

namespace LeastPriv.Core.Aws;

/// <summary>
/// An error answer from an AWS service. <see cref="LeastPrivException.ErrorId"/> is
/// <c>Aws</c> + the AWS error code with a trailing <c>Exception</c> removed
/// (<c>NoSuchEntity</c> → <c>AwsNoSuchEntity</c>, <c>TrailNotFoundException</c> → <c>AwsTrailNotFound</c>,
/// <c>AccessDeniedException</c> → <c>AwsAccessDenied</c>), so one AWS condition has one id
/// whatever protocol reported it. The category comes from <see cref="AwsErrorMapping"/>.
/// </summary>
public sealed class AwsServiceException : LeastPrivException
{
    public AwsServiceException(
        AwsService service,
        string operation,
        string errorCode,
        HttpStatusCode httpStatus,
        string? requestId,
        string message,
        object? target = null,
        Exception? inner = null)
        : base(
            AwsErrorMapping.ErrorIdFor(errorCode),
            AwsErrorMapping.CategoryFor(errorCode, httpStatus),
            Compose(service, operation, errorCode, message),
            target,
            inner)
    {
        Service = service;
        Operation = operation;
        ErrorCode = errorCode;
        HttpStatus = httpStatus;
        RequestId = requestId;
        AwsMessage = message;
    }

    public AwsService Service { get; }

    /// <summary>The operation name as in the service model (e.g. <c>CreateUser</c>).</summary>
    public string Operation { get; }

    /// <summary>The AWS error code as sent by the service (e.g. <c>NoSuchEntity</c>, <c>ThrottlingException</c>).</summary>
    public string ErrorCode { get; }

    public HttpStatusCode HttpStatus { get; }

    public string? RequestId { get; }

    /// <summary>The service's own message, without the operation prefix.</summary>
    public string AwsMessage { get; }

    /// <summary>The error code without a trailing <c>Exception</c>: the form every check in the engine uses.</summary>
    public string NormalizedCode => AwsErrorMapping.Normalize(ErrorCode);

    private static string Compose(AwsService service, string operation, string code, string message)
    {
        var text = string.IsNullOrWhiteSpace(message) ? "(no message)" : message;
        return $"{AwsServiceInfo.DisplayName(service)} {operation} failed: {code}: {text}";
    }
}
