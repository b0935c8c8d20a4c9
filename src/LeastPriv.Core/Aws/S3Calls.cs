using Amazon.Runtime;

namespace LeastPriv.Core.Aws;

/// <summary>
/// Runs one call of the official S3 client and turns its errors into the engine's
/// <see cref="AwsServiceException"/> (so NoSuchBucket, AccessDenied… map like every other service).
/// </summary>
internal static class S3Calls
{
    public static async Task<T> RunAsync<T>(string operation, object? target, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonServiceException ex)
        {
            throw new AwsServiceException(AwsService.S3, operation, ex.ErrorCode ?? ex.StatusCode.ToString(), ex.StatusCode, ex.RequestId, ex.Message, target, ex);
        }
        catch (AmazonClientException ex)
        {
            throw new LeastPrivException("AwsEndpointUnreachable", LPErrorCategory.ConnectionError, $"AWS S3 {operation} could not be sent: {ex.Message}", target, ex);
        }
    }

    public static Task RunAsync(string operation, object? target, Func<Task> call)
        => RunAsync<bool>(operation, target, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        });
}
