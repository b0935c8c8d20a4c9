namespace LeastPriv.Core.CloudTrail;

/// <summary>The errors the CloudTrail readers raise, built in one place so ids and categories stay consistent.</summary>
public static class CloudTrailErrors
{
    public const string FileCorrupt = "CloudTrailFileCorrupt";
    public const string FileEmpty = "CloudTrailFileEmpty";
    public const string FileUnreadable = "CloudTrailFileUnreadable";
    public const string PathNotFound = "CloudTrailPathNotFound";
    public const string TimeRangeInvalid = "CloudTrailTimeRangeInvalid";
    public const string PrincipalArnInvalid = "PrincipalArnInvalid";
    public const string UserNameInvalid = "CloudTrailUserNameInvalid";

    public static LeastPrivException Corrupt(string source, long byteOffset, long? line, string reason, Exception? inner = null)
    {
        var where = line is null ? $"byte offset {byteOffset}" : $"byte offset {byteOffset} (the JSON breaks on line {line})";
        return new LeastPrivException(
            FileCorrupt,
            LPErrorCategory.InvalidData,
            $"CloudTrail file '{source}' is damaged at {where}: {reason} The records read before that point were kept; the rest of the file was skipped.",
            source,
            inner)
        {
            RecommendedAction = "Check the file (a partial download or a truncated .gz is the usual cause) and read it again.",
        };
    }

    public static LeastPrivException Empty(string source) => new(
        FileEmpty,
        LPErrorCategory.InvalidData,
        $"CloudTrail file '{source}' is empty.",
        source)
    {
        RecommendedAction = "Check whether the file was fully downloaded.",
    };

    public static LeastPrivException Unreadable(string source, Exception inner) => new(
        FileUnreadable,
        LPErrorCategory.ReadError,
        $"Cannot open CloudTrail file '{source}': {inner.Message}",
        source,
        inner);

    public static LeastPrivException NotFound(string path) => new(
        PathNotFound,
        LPErrorCategory.ObjectNotFound,
        $"Cannot find CloudTrail log path '{path}' because it does not exist.",
        path);

    public static LeastPrivException TimeRange(DateTimeOffset start, DateTimeOffset end) => new(
        TimeRangeInvalid,
        LPErrorCategory.InvalidArgument,
        $"The start time {start.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} is after the end time {end.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}.",
        start);

    public static LeastPrivException UserName(string name) => new(
        UserNameInvalid,
        LPErrorCategory.InvalidArgument,
        $"'{name}' is not an IAM user name (1 to 64 letters, digits and + = , . @ _ -), so no record can match it.",
        name);

    public static LeastPrivException PrincipalArn(string arn, string reason) => new(
        PrincipalArnInvalid,
        LPErrorCategory.InvalidArgument,
        $"'{arn}' is not a usable principal ARN: {reason} Expected arn:<partition>:iam::<account>:user/<name>, arn:<partition>:iam::<account>:role/<name>, arn:<partition>:iam::<account>:root or arn:<partition>:sts::<account>:assumed-role/<role>/<session>.",
        arn);
}
