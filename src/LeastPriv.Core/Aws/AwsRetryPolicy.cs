using System.Net;

namespace LeastPriv.Core.Aws;

/// <summary>
/// How the AWS clients retry: throttling and transient (5xx) errors with jittered exponential
/// back-off up to <see cref="MaxAttempts"/>; a <c>Retry-After</c> header is honoured; quotas are
/// never retried. A key that was just created may be rejected as unknown for a while (IAM is
/// eventually consistent; aws/aws-sdk-js#559 saw about 15 s), so when
/// <see cref="NewKeyGracePeriod"/> is set, "unknown access key" answers are retried until that
/// much time has passed since the first attempt.
/// </summary>
public sealed class AwsRetryPolicy
{
    public static AwsRetryPolicy Default { get; } = new();

    /// <summary>Total attempts for throttling / transient errors (the first one included).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The first back-off; each retry doubles it (full jitter).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>No single wait is longer than this (also caps <c>Retry-After</c>).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Zero: an unknown access key fails at once. Otherwise: keep retrying that long.</summary>
    public TimeSpan NewKeyGracePeriod { get; init; } = TimeSpan.Zero;

    /// <summary>Source of jitter; replaceable for tests.</summary>
    internal Func<double> Random { get; init; } = SharedRandom.NextDouble;

    public AwsRetryPolicy WithNewKeyGrace(TimeSpan grace) => new()
    {
        MaxAttempts = MaxAttempts,
        BaseDelay = BaseDelay,
        MaxDelay = MaxDelay,
        NewKeyGracePeriod = grace,
        Random = Random,
    };

    /// <summary>
    /// Decides whether attempt number <paramref name="attempt"/> (1-based) that failed with
    /// <paramref name="code"/> / <paramref name="status"/> is retried, and after how long.
    /// </summary>
    public bool ShouldRetry(int attempt, string code, HttpStatusCode status, TimeSpan elapsed, TimeSpan? retryAfter, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        if (AwsErrorMapping.IsQuota(code))
        {
            return false;
        }

        if (AwsErrorMapping.IsUnknownAccessKey(code))
        {
            if (NewKeyGracePeriod <= TimeSpan.Zero || elapsed >= NewKeyGracePeriod)
            {
                return false;
            }

            delay = Backoff(attempt, TimeSpan.FromSeconds(Math.Min(5, MaxDelay.TotalSeconds)));
            var left = NewKeyGracePeriod - elapsed;
            if (delay > left)
            {
                delay = left;
            }

            return true;
        }

        if (!AwsErrorMapping.IsThrottling(code, status) && !AwsErrorMapping.IsTransient(code, status))
        {
            return false;
        }

        return RetryAfterBackoff(attempt, retryAfter, out delay);
    }

    /// <summary>A network failure (connection refused, reset, timeout) is retried like a 5xx.</summary>
    public bool ShouldRetryNetworkFailure(int attempt, out TimeSpan delay) => RetryAfterBackoff(attempt, null, out delay);

    private bool RetryAfterBackoff(int attempt, TimeSpan? retryAfter, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        if (attempt >= MaxAttempts)
        {
            return false;
        }

        delay = Backoff(attempt, MaxDelay);
        if (retryAfter is { } ra && ra > delay)
        {
            delay = ra < MaxDelay ? ra : MaxDelay;
        }

        return true;
    }

    // "Full jitter": a random wait in [0, min(cap, base * 2^(attempt-1))]
    // (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
    private TimeSpan Backoff(int attempt, TimeSpan cap)
    {
        var exp = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var ceiling = Math.Min(cap.TotalMilliseconds, exp);
        return TimeSpan.FromMilliseconds(ceiling * Random());
    }

    private static class SharedRandom
    {
        private static readonly Random Instance = new();

        public static double NextDouble()
        {
            lock (Instance)
            {
                return Instance.NextDouble();
            }
        }
    }
}
