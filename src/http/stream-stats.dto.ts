import { ApiProperty } from '@nestjs/swagger';

/** A stream's length, ends and consumer groups as `StreamStatsService` reads them (features and feeds answer it). */
export class GroupStatsDto {
  @ApiProperty() name!: string;
  @ApiProperty() consumers!: number;
  @ApiProperty() pending!: number;
  @ApiProperty({ nullable: true, type: Number }) lag!: number | null;
  @ApiProperty() last_delivered_id!: string;
}

export class StreamStatsDto {
  @ApiProperty({ example: 'fs:stream:user_profile' }) stream!: string;
  @ApiProperty() length!: number;
  @ApiProperty({ nullable: true, type: String }) first_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) last_id!: string | null;
  @ApiProperty({ type: [GroupStatsDto] }) groups!: GroupStatsDto[];
}
