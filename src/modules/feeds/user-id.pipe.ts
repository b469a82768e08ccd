import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { USER_ID_PATTERN } from './feeds.dto.js';

/** 400 unless the user id is 1-64 of [A-Za-z0-9_-] (it becomes part of key names). */
@Injectable()
export class UserIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!USER_ID_PATTERN.test(value))
      throw new BadRequestException('uid must be 1-64 characters of letters, digits, _ or -');
    return value;
  }
}
