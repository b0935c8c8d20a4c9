resource "aws_iam_policy" "app_deployer" {
  name        = "app-deployer"
  description = "Least-privilege policy exported by LeastPriv"
  policy      = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Sid      = "AllowS3"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "arn:aws:s3:::app-bucket/$${aws:username}/*"
      },
      {
        Sid      = "AllowDynamodb"
        Effect   = "Allow"
        Action   = "dynamodb:Query"
        Resource = [
          "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders",
          "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/index/*",
        ]
        Condition = {
          StringEquals = {
            "aws:RequestedRegion" = "eu-west-1"
          }
          Bool = {
            "aws:SecureTransport" = "true"
          }
        }
      },
      {
        Sid      = "DenyIam"
        Effect   = "Deny"
        Action   = "iam:*"
        Resource = "*"
      },
    ]
  })
}
