import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ARTICLE_ID_PATTERN, ARTICLE_ID_RULE } from '../../news/article-id.js';
import { MAX_SOURCE_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS, URL_OPTIONS } from '../../news/article.js';

export const MAX_BATCH = 500;
/** Classify trims title and body and dead-letters an empty one, so REST refuses them up front. */
const NOT_BLANK = /\S/;

export class ArticleDto {
  @ApiPropertyOptional({
    description: 'Client id; without one a stable id is derived from url, or source + title',
    example: 'a1b2',
  })
  @IsOptional()
  @IsString()
  @Matches(ARTICLE_ID_PATTERN, { message: ARTICLE_ID_RULE })
  id?: string;

  @ApiProperty({ example: 'Parliament passes the budget after a late-night session' })
  @IsString()
  @IsNotEmpty()
  @Matches(NOT_BLANK, { message: 'title should not be blank' })
  @MaxLength(MAX_TITLE_CHARS)
  title!: string;

  @ApiProperty({ example: 'Lawmakers approved the spending plan by 212 votes to 190 ...' })
  @IsString()
  @IsNotEmpty()
  @Matches(NOT_BLANK, { message: 'body should not be blank' })
  body!: string;

  @ApiPropertyOptional({ example: 'https://news.example.com/budget' })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'url must be a URL' })
  @MaxLength(MAX_URL_CHARS)
  url?: string;

  @ApiPropertyOptional({ example: 'example-news' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SOURCE_CHARS)
  source?: string;

  @ApiPropertyOptional({ description: 'ISO 8601', example: '2026-11-22T08:00:00Z' })
  @IsOptional()
  @IsISO8601({}, { message: 'published_at must be an ISO 8601 date' })
  published_at?: string;
}

export class ArticleBatchDto {
  @ApiProperty({ type: [ArticleDto], maxItems: MAX_BATCH })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  // ValidateNested alone passes an array in place of an item (it validates that array's items instead).
  @IsObject({ each: true, message: 'each item of $property must be an object' })
  @ValidateNested({ each: true })
  @Type(() => ArticleDto)
  articles!: ArticleDto[];
}

export class AcceptedDto {
  @ApiProperty({ example: 'a1b2' }) id!: string;
}

export class AcceptedBatchDto {
  @ApiProperty({ type: [String] }) ids!: string[];
}
