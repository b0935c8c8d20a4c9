using LeastPriv.Core.Generation;
using Xunit;

namespace LeastPriv.Core.Tests.Generation;

public sealed class RequestScannerTests
{
    private static List<string> Collect(string source, string name, string service, string? request, string? response = null)
    {
        var arns = new List<string>();
        RequestResourceScanner.Collect(TestRecords.Call(source, name, request, response: response), service, arns);
        return arns;
    }

    [Fact]
    public void Collect_S3BucketAndKey_GivesBucketAndObjectArns()
    {
        var arns = Collect("s3.amazonaws.com", "GetObject", "s3", """{"bucketName":"orders","Host":"orders.s3.eu-west-1.amazonaws.com","key":"in/a.json"}""");

        Assert.Equal(new[] { "arn:aws:s3:::orders", "arn:aws:s3:::orders/in/a.json" }, arns);
    }

    [Fact]
    public void Collect_S3CopySource_AddsTheSourceObject()
    {
        var arns = Collect("s3.amazonaws.com", "CopyObject", "s3", """{"bucketName":"dst","key":"b.json","x-amz-copy-source":"src/in%2Fa.json?versionId=3"}""");

        Assert.Contains("arn:aws:s3:::src/in/a.json", arns);
        Assert.Contains("arn:aws:s3:::dst/b.json", arns);
    }

    [Fact]
    public void Collect_SqsQueueUrl_BecomesQueueArn()
    {
        var arns = Collect("sqs.amazonaws.com", "SendMessage", "sqs", """{"queueUrl":"https://sqs.eu-west-1.amazonaws.com/111122223333/jobs","messageBody":"x"}""");

        Assert.Equal(new[] { "arn:aws:sqs:eu-west-1:111122223333:jobs" }, arns);
    }

    [Theory]
    [InlineData("""{"functionName":"worker"}""", "arn:aws:lambda:eu-west-1:111122223333:function:worker")]
    [InlineData("""{"functionName":"111122223333:function:worker"}""", "arn:aws:lambda:eu-west-1:111122223333:function:worker")]
    [InlineData("""{"functionName":"arn:aws:lambda:eu-west-1:111122223333:function:worker"}""", "arn:aws:lambda:eu-west-1:111122223333:function:worker")]
    public void Collect_LambdaFunctionNameForms_GiveTheFunctionArn(string request, string expected)
    {
        Assert.Equal(new[] { expected }, Collect("lambda.amazonaws.com", "GetFunction20150331v2", "lambda", request));
    }

    [Fact]
    public void Collect_NestedNameParameter_IsNotTakenForAResource()
    {
        // A tag named "key" is not an S3 object key: only top-level parameters name resources.
        var arns = Collect("s3.amazonaws.com", "PutBucketTagging", "s3", """{"bucketName":"b","Tagging":{"TagSet":{"Tag":{"key":"env","value":"prod"}}}}""");

        Assert.Equal(new[] { "arn:aws:s3:::b" }, arns);
    }

    [Fact]
    public void Collect_ResponseArn_IsACandidate()
    {
        var arns = Collect("sns.amazonaws.com", "CreateTopic", "sns", """{"name":"events"}""", """{"topicArn":"arn:aws:sns:eu-west-1:111122223333:events"}""");

        Assert.Equal(new[] { "arn:aws:sns:eu-west-1:111122223333:events", "arn:aws:sns:eu-west-1:111122223333:events" }, arns);
    }

    [Fact]
    public void Collect_TruncatedRequestText_KeepsWhatWasRead()
    {
        var arns = Collect("dynamodb.amazonaws.com", "PutItem", "dynamodb", """{"tableName":"Orders","item":{"a":""");

        Assert.Equal(new[] { "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders" }, arns);
    }

    [Theory]
    [InlineData("""{"functionName":"f","role":"arn:aws:iam::111122223333:role/svc/f-role"}""", "arn:aws:iam::111122223333:role/svc/f-role")]
    [InlineData("""{"family":"web","taskRoleArn":"arn:aws:iam::111122223333:role/task","executionRoleArn":"arn:aws:iam::111122223333:role/exec"}""", "arn:aws:iam::111122223333:role/exec,arn:aws:iam::111122223333:role/task")]
    [InlineData("""{"ReplicationConfiguration":{"Role":"arn:aws:iam::111122223333:role/repl"}}""", "arn:aws:iam::111122223333:role/repl")]
    [InlineData("""{"grantee":"arn:aws:iam::111122223333:role/not-passed"}""", "")]
    public void PassedRoleScanner_RoleParameters_FindsTheRoles(string request, string expected)
    {
        var roles = new List<string>();
        var masked = new List<string>();
        PassedRoleScanner.Scan(request, roles.Add, _ => { }, masked.Add);

        Assert.Equal(expected, string.Join(",", roles.OrderBy(r => r, StringComparer.Ordinal)));
        Assert.Empty(masked);
    }

    [Fact]
    public void PassedRoleScanner_Ec2InstanceProfile_IsReportedAsProfile()
    {
        var roles = new List<string>();
        var profiles = new List<string>();
        PassedRoleScanner.Scan("""{"instancesSet":{"items":[{"imageId":"ami-1"}]},"iamInstanceProfile":{"arn":"arn:aws:iam::111122223333:instance-profile/web"}}""", roles.Add, profiles.Add, roles.Add);

        Assert.Empty(roles);
        Assert.Equal(new[] { "arn:aws:iam::111122223333:instance-profile/web" }, profiles);
    }

    [Theory]
    [InlineData("""{"functionName":"f","role":"arn:aws:iam::700***:role/f-role"}""", "arn:aws:iam::700***:role/f-role")]
    [InlineData("""{"family":"web","taskRoleArn":"arn***/task","executionRoleArn":"arn:aws:iam::111122223333:role/exec"}""", "arn***/task")]
    [InlineData("""{"functionName":"f","description":"arn***/not-a-role","role":"arn:aws:iam::111122223333:role/f-role"}""", "")]
    public void PassedRoleScanner_MaskedRoleArn_IsReportedAsMaskedNotAsARole(string request, string expectedMasked)
    {
        var roles = new List<string>();
        var masked = new List<string>();

        Assert.True(PassedRoleScanner.MayPassRole(request));
        PassedRoleScanner.Scan(request, roles.Add, _ => { }, masked.Add);

        Assert.DoesNotContain(roles, r => r.Contains('*'));
        Assert.Equal(expectedMasked, string.Join(",", masked));
    }
}
